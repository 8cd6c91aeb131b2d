"""``harness``: evaluate HEI-NW modes over scenarios A-E and write reports.

Examples::

    harness --mode B0 --scenario A -n 64 --seed 7
    harness --mode B1                        # adapter with empty memory, paired with B0
    harness --mode B0 --scenario E --baseline long-context
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hei_nw.baselines import run_long_context, run_rag
from hei_nw.datasets import GENERATORS, generate
from hei_nw.eval import (
    PROMPT_TEMPLATE,
    build_report,
    template_hash,
    write_reports,
)
from hei_nw.eval.prompts import NO_CONTEXT_TEMPLATE
from hei_nw.eval.runner import GenerationSettings
from hei_nw.harness.modes import RunInputs, run_b0, run_b1
from hei_nw.metrics import ModelGeometry
from hei_nw.models import (
    DEFAULT_MODEL,
    LoadedModel,
    ModelLoadError,
    build_default_adapter,
    load_model,
    set_seed,
    silence_progress_bars,
)
from hei_nw.models.base import DTYPES

EXIT_NEEDS_LATER_STAGE = 64
DEFAULT_OUTDIRS = {"B0": "reports/baseline", "B1": "reports/m1-episodic-adapter"}


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show defaults, except for flags and options whose default is "decided later"."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, False):
            return action.help or ""
        return super()._get_help_string(action) or ""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        description="Evaluate HEI-NW modes over scenarios A-E; writes "
        "{scenario}_{mode}_metrics.json and {scenario}_{mode}_report.md.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument(
        "--mode",
        choices=["B0", "B1", "B2", "B3"],
        default="B0",
        help="B0 base model; B1 Episodic Adapter (empty memory, paired with B0); "
        "B2/B3 need the consolidation stage",
    )
    parser.add_argument(
        "--scenario", choices=sorted(GENERATORS), default="A", help="scenario generator"
    )
    parser.add_argument("-n", type=_non_negative, default=16, help="number of items")
    parser.add_argument("--seed", type=int, default=7, help="seed for items and model randomness")
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help="offline default, a local folder or a hub id"
    )
    parser.add_argument(
        "--outdir",
        default=None,
        help="report folder (default: reports/baseline for B0, reports/m1-episodic-adapter for B1)",
    )
    parser.add_argument(
        "--baseline",
        choices=["none", "long-context", "rag"],
        default="none",
        help="also run this baseline on the same items and report it beside the mode",
    )
    parser.add_argument(
        "--max-new-tokens", type=_positive, default=32, help="generation budget per item"
    )
    parser.add_argument("--batch-size", type=_positive, default=1, help="prompts per generate call")
    parser.add_argument(
        "--device", default=None, help="cpu, cuda, ... (default: cuda if available)"
    )
    parser.add_argument(
        "--dtype",
        choices=["auto", *DTYPES],
        default="auto",
        help="weights dtype; auto is bf16 on a GPU that supports it, else fp32",
    )
    parser.add_argument(
        "--prompt-style",
        choices=["chat", "plain"],
        default="chat",
        help="wrap prompts in the tokenizer's chat template, or not",
    )
    parser.add_argument(
        "--no-context",
        action="store_true",
        help="ask the query without the episode (memory-dependent baseline)",
    )
    parser.add_argument(
        "--no-b0-pair",
        action="store_true",
        help="B1 only: skip the interleaved B0 run (no overhead/equivalence fields)",
    )
    parser.add_argument(
        "--rag-k", type=_positive, default=5, help="episodes retrieved per query (RAG)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.mode in ("B2", "B3"):
        print(
            f"harness: mode {args.mode} needs the consolidation stage (replay into the "
            "weights), which is not built yet; use B0 or B1",
            file=sys.stderr,
        )
        return EXIT_NEEDS_LATER_STAGE
    if args.mode == "B0" and args.no_b0_pair:
        parser.error("--no-b0-pair applies to --mode B1 only")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.quiet:
        silence_progress_bars()
    try:
        paths = run(args, argv if argv is not None else sys.argv[1:])
    except ModelLoadError as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("harness: interrupted; no report written", file=sys.stderr)
        return 130
    for path in paths:
        print(path)
    return 0


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[Path, Path]:
    """Load, generate, score and write the two reports; returns their paths."""
    set_seed(args.seed)
    records = generate(args.scenario, args.n, args.seed)
    loaded = load_model(args.model, dtype=args.dtype, device=args.device)
    settings = GenerationSettings(
        max_new_tokens=args.max_new_tokens, chat=args.prompt_style == "chat"
    )
    geometry = ModelGeometry.from_config(loaded.model.config, loaded.dtype)
    inputs = RunInputs(
        model=loaded.model,
        tokenizer=loaded.tokenizer,
        records=records,
        settings=settings,
        geometry=geometry,
        batch_size=args.batch_size,
        with_context=not args.no_context,
        quiet=args.quiet,
    )
    summary: dict[str, Any] = {}
    if args.mode == "B0":
        items = run_b0(inputs)
    else:
        adapter = build_default_adapter(loaded.model)
        b1 = run_b1(inputs, adapter, pair_with_b0=not args.no_b0_pair)
        items, summary = b1.items, b1.summary
    baselines = run_baseline(args, loaded, inputs)
    if "rag" in baselines:
        summary[f"rag_recall_at_{args.rag_k}"] = _mean(baselines["rag"], f"recall_at_{args.rag_k}")
    report = build_report(
        scenario=args.scenario,
        mode=args.mode,
        config=run_config(args, argv, loaded, settings),
        items=items,
        summary=summary,
        baselines=baselines,
    )
    return write_reports(report, args.outdir or DEFAULT_OUTDIRS[args.mode])


def run_baseline(
    args: argparse.Namespace, loaded: LoadedModel, inputs: RunInputs
) -> dict[str, list[dict[str, Any]]]:
    if args.baseline == "long-context":
        items = run_long_context(
            loaded.model,
            loaded.tokenizer,
            inputs.records,
            inputs.settings,
            inputs.geometry,
            inputs.batch_size,
        )
        return {"long_context": items}
    if args.baseline == "rag":
        result = run_rag(
            loaded.model,
            loaded.tokenizer,
            inputs.records,
            k=args.rag_k,
            settings=inputs.settings,
            geometry=inputs.geometry,
            batch_size=inputs.batch_size,
        )
        return {"rag": result.items}
    return {}


def _mean(items: Sequence[dict[str, Any]], key: str) -> float:
    return sum(float(i[key]) for i in items) / len(items) if items else 0.0


def run_config(
    args: argparse.Namespace, argv: Sequence[str], loaded: LoadedModel, settings: GenerationSettings
) -> dict[str, Any]:
    """Every option and setting of the run, as recorded in the report."""
    return {
        "command": shlex.join(["harness", *argv]),
        "args": vars(args),
        "mode": args.mode,
        "scenario": args.scenario,
        "n": args.n,
        "seed": args.seed,
        "seeds": {"dataset": args.seed, "torch": args.seed},
        "model": loaded.model_id,
        "model_revision": loaded.revision,
        "model_class": type(loaded.model).__name__,
        "dtype": str(loaded.dtype).removeprefix("torch."),
        "device": str(loaded.device),
        "batch_size": args.batch_size,
        "generation": settings.as_dict(),
        "with_context": not args.no_context,
        "baseline": args.baseline,
        "prompt_template": NO_CONTEXT_TEMPLATE if args.no_context else PROMPT_TEMPLATE,
        "prompt_template_hash": template_hash(),
    }


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
