"""``harness``: evaluate HEI-NW modes over scenarios A-E and write reports.

Examples::

    harness --mode B0 --scenario A -n 64 --seed 7
    harness --mode B1                        # the shipped reader, the episode only in memory
    harness --mode B0 --scenario E --baseline long-context
    harness train --preset smoke --out /tmp/reader   # see `harness train --help`
    harness compare reports/baseline/A_B0_metrics.json reports/m1-episodic-adapter/A_B1_metrics.json
    harness consolidate --scenario A -n 100 --store runs/s --out runs/lora   # see --help
    harness --mode B3 --scenario A -n 100 --lora runs/lora   # closed book: LoRA, no memory
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hei_nw.baselines import run_recalled_rag, run_rules
from hei_nw.consolidate import LoraError, read_record
from hei_nw.core import READ_RECIPE, versions
from hei_nw.datasets import generate
from hei_nw.eval import (
    NO_CONTEXT_TEMPLATE,
    PROMPT_TEMPLATE,
    GenerationSettings,
    ItemResult,
    RunInputs,
    StoreSettings,
    build_report,
    family_table,
    memory_comparison,
    oracle_memories,
    run_b0,
    run_b1,
    side_by_side,
    store_memories,
    template_hash,
    write_reports,
)
from hei_nw.harness.args import UsageError, check_output_folder
from hei_nw.harness.baseline_runs import run_baseline
from hei_nw.harness.compare import main as compare_main
from hei_nw.harness.consolidate_cli import consolidate_main
from hei_nw.harness.consolidated import run_consolidated
from hei_nw.harness.gated_run import gate_stream, run_gated
from hei_nw.harness.parser import build_parser, read_recipe
from hei_nw.harness.progress import with_progress
from hei_nw.harness.reader_choice import select_reader
from hei_nw.harness.summary import print_summary
from hei_nw.harness.test_log import log_test_use
from hei_nw.harness.train_cli import train_main
from hei_nw.metrics import ModelGeometry
from hei_nw.models import (
    LoadedModel,
    ModelLoadError,
    ReaderError,
    check_saved_reader,
    load_model,
    set_seed,
    silence_progress_bars,
)

RUNS_DIR = "runs"
"""Where a run without ``--outdir`` writes (git-ignored): committed reports under
``reports/`` are written only by the scripts that make them, with ``--outdir``."""


def default_outdir(mode: str, scenario: str, now: datetime | None = None) -> Path:
    """``runs/<UTC time>-<mode>-<scenario>/``: a new folder for each casual run."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    folder = Path(RUNS_DIR) / f"{stamp}-{mode}-{scenario}"
    copy = 2
    while folder.exists():  # two runs in one second still get a folder each
        folder = Path(RUNS_DIR) / f"{stamp}-{mode}-{scenario}-{copy}"
        copy += 1
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:
        return train_main(argv[1:])
    if argv[:1] == ["compare"]:
        return compare_main(argv[1:])
    if argv[:1] == ["consolidate"]:
        return consolidate_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.mode == "B0" and args.no_b0_pair:
        parser.error("--no-b0-pair applies to --mode B1 only")
    try:  # before the model loads: a wrong path costs a second, not a minute
        check_paths(args)
    except (UsageError, ReaderError) as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.quiet:
        silence_progress_bars()
    try:
        paths, report = run(args, argv)
    except (ModelLoadError, ReaderError, LoraError) as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("harness: interrupted; no report written", file=sys.stderr)
        return 130
    for path in paths:
        print(path)
    print_summary(report)
    return 0


def check_paths(args: argparse.Namespace) -> None:
    """Every path option, checked before anything loads."""
    check_output_folder("--outdir", args.outdir)
    if args.mode in ("B2", "B3"):
        if args.lora is None:
            raise UsageError(f"--mode {args.mode} needs --lora DIR (made by harness consolidate)")
        try:
            read_record(args.lora)
        except LoraError as exc:
            raise UsageError(f"--lora: {exc}") from None
    elif args.lora is not None:
        raise UsageError("--lora applies to --mode B2 and B3 only")
    if args.memory == "gated" and (args.mode != "B1" or args.scenario != "A"):
        raise UsageError("--memory gated runs with --mode B1 --scenario A (a stream of A's facts)")
    if args.memory == "gated" and not gate_stream(args).questions:
        raise UsageError("the stream holds no fact a later question asks about: use a larger -n")
    if args.gate_rate <= 0 or args.gate_rate != args.gate_rate:
        raise UsageError(
            f"--gate-rate must be a positive number of writes per 1,000 tokens, got {args.gate_rate}"
        )
    for name, default in A_ONLY.items():
        if args.scenario != "A" and getattr(args, name) != default:
            raise UsageError(f"--{name} applies to scenario A only")
    if (
        args.mode in ("B1", "B2")
        and args.adapter_layers is None
        and args.adapter not in ("none", "default")
    ):
        try:
            check_saved_reader(args.adapter)
        except ReaderError as exc:
            raise UsageError(f"--adapter: {exc}") from None


A_ONLY = {"values": "plain", "render": "template", "fields": "slots"}
"""Options only scenario A's generator takes, with their defaults."""


def dataset_options(args: argparse.Namespace) -> dict[str, Any]:
    """The generator options the command line names (scenario A takes the most)."""
    if args.scenario == "squad":  # real questions: their own wording, no variants
        return {"split": args.split}
    options: dict[str, Any] = {"split": args.split, "forms": args.forms}
    if args.scenario == "A":
        options |= {name: getattr(args, name) for name in A_ONLY}
        if args.negatives:
            options["confounders_ratio"] = float(args.negatives)
    return options


def run(args: argparse.Namespace, argv: Sequence[str]) -> tuple[tuple[Path, Path], dict[str, Any]]:
    """Load, generate, score and write the two reports; returns their paths and the report."""
    started = datetime.now(UTC)  # a casual run's folder is named by when it started
    provenance = versions()  # the code and libraries as the run starts
    set_seed(args.seed)
    stream = gate_stream(args) if args.memory == "gated" else None
    records = (
        stream.questions
        if stream
        else generate(args.scenario, args.n, args.seed, **dataset_options(args))
    )
    n_items = len(records)
    loaded = load_model(args.model, dtype=args.dtype, device=args.device)
    settings = GenerationSettings.from_recipe(read_recipe(args))
    geometry = ModelGeometry.from_config(loaded.model.config, loaded.dtype)
    inputs = RunInputs(
        model=loaded.model,
        tokenizer=loaded.tokenizer,
        records=records,
        settings=settings,
        geometry=geometry,
        batch_size=args.batch_size,
        with_context=not args.no_context,
    )
    summary: dict[str, Any] = {}
    baselines: dict[str, list[ItemResult]] = {}
    comparison = None
    if args.mode == "B0":
        items = with_progress("B0", n_items, args.quiet, lambda tick: run_b0(inputs, tick))
    elif stream is not None:
        items, summary, gated_runs, comparison = run_gated(args, loaded, inputs, stream)
        baselines.update(gated_runs)
    elif args.mode in ("B2", "B3"):
        items, summary, runs, comparison = run_consolidated(args, loaded, inputs)
        baselines = {name: run for name, run in runs.items() if run is not items}
    else:
        reader, identity = select_reader(args, loaded)
        cap = reader.config.max_mem_tokens or READ_RECIPE.memory_cap
        oracle = oracle_memories(records, loaded.tokenizer, cap, args.negatives, args.seed)
        memories: list[list[int]] = oracle if args.memory == "oracle" else [[] for _ in records]
        if args.memory == "store":
            store = StoreSettings(
                args.store_embedder, args.store_keys, args.store_size, args.split, args.seed
            )
            stored = store_memories(records, loaded.tokenizer, cap, args.recall_k, store)
            memories, recall_items = stored.memories, stored.items
            summary["retrieval"] = stored.summary
        b1 = with_progress(
            "B1",
            n_items,
            args.quiet,
            lambda tick: run_b1(inputs, reader, memories, not args.no_b0_pair, tick),
        )
        items, summary = b1.items, {**identity, **summary, **b1.summary}
        if args.memory == "store":
            items = [
                replace(item, store_recall=recalled)
                for item, recalled in zip(items, recall_items, strict=True)
            ]
        reference = with_progress(
            "reference",
            n_items,
            args.quiet,
            lambda tick: run_b0(replace(inputs, with_context=True), tick),
        )
        runs = {"B1 memory-only": items, "B0 episode in prompt (reference)": reference}
        if args.memory == "store":
            runs["B1 oracle memory"] = run_b1(inputs, reader, oracle, False).items
        baselines["episode_in_prompt"] = reference
        # The template parser reading the very memory the reader read: beside every B1 figure.
        baselines["rules"] = runs["rules (same memory)"] = run_rules(
            records, memories, loaded.tokenizer
        )
        if not args.no_b0_pair:
            runs["B0 no-context (floor)"] = b1.floor_items
            baselines["no_memory_floor"] = b1.floor_items
            comparison = memory_comparison(records, runs, "B1 memory-only", "B0 no-context (floor)")
        if args.memory == "store" and args.baseline == "rag":  # RAG on the same recall
            baselines["rag"] = with_progress(
                "RAG (same recall)",
                n_items,
                args.quiet,
                lambda tick: run_recalled_rag(
                    loaded.model,
                    loaded.tokenizer,
                    records,
                    stored.episodes,
                    settings,
                    geometry,
                    args.batch_size,
                    tick,
                ),
            )
            summary["memory_vs_rag"] = side_by_side(items, baselines["rag"])
    baselines.update(run_baseline(args, loaded, inputs, summary, skip=set(baselines)))
    report = build_report(
        scenario=args.scenario,
        mode=args.mode,
        config=run_config(args, argv, loaded, settings),
        items=items,
        summary=summary,
        baselines=baselines,
        comparison=comparison,
        provenance=provenance,
        families=family_table(records, {args.mode: items, **baselines}),
    )
    outdir = args.outdir or default_outdir(args.mode, args.scenario, started)
    paths = write_reports(report, outdir)
    if args.split == "test":
        count = log_test_use(args.test_log, report["config"]["command"], outdir)
        print(f"harness: test-set evaluation #{count}, logged in {args.test_log}", file=sys.stderr)
    return paths, report


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
        "split": args.split,
        "test_set": args.split == "test",
        "dataset_options": dataset_options(args),
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
