"""``harness [--mode B0|B1|B2|B3]``: parse -> plan -> ``MODES[name]`` -> report.

The plan turns the command line into the run's records and the mode's typed settings
(the gated stream is made here, once); it is checked before the model loads, so a
wrong path costs a second, not a minute. Below this module nothing sees the command line.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hei_nw.consolidate import LoraError, read_record
from hei_nw.core import versions
from hei_nw.datasets import Record, generate
from hei_nw.datasets.stream import make_stream
from hei_nw.eval import (
    NO_CONTEXT_TEMPLATE,
    PROMPT_TEMPLATE,
    GenerationSettings,
    RunInputs,
    StoreSettings,
    build_report,
    family_table,
    template_hash,
    write_reports,
)
from hei_nw.eval.beside import BaselineSettings, run_baseline
from hei_nw.eval.readers import ReaderChoice
from hei_nw.eval.registry import MODES, B1Settings, ConsolidatedSettings, GatedSettings, ModeContext
from hei_nw.harness.args import UsageError, check_output_folder
from hei_nw.harness.parser import build_parser, read_recipe
from hei_nw.harness.progress import counted, with_progress
from hei_nw.harness.summary import print_summary
from hei_nw.harness.test_log import log_test_use
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
A_ONLY = {"values": "plain", "render": "template", "fields": "slots"}
"""Options only scenario A's generator takes, with their defaults."""


@dataclass(frozen=True)
class Plan:
    """What the command line asks for, before anything loads."""

    records: list[Record]
    mode: str  # a key of MODES
    settings: Any  # that mode's typed settings
    baseline: BaselineSettings


def default_outdir(mode: str, scenario: str, now: datetime | None = None) -> Path:
    """``runs/<UTC time>-<mode>-<scenario>/``: a new folder for each casual run."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    folder = Path(RUNS_DIR) / f"{stamp}-{mode}-{scenario}"
    copy = 2
    while folder.exists():  # two runs in one second still get a folder each
        folder = Path(RUNS_DIR) / f"{stamp}-{mode}-{scenario}-{copy}"
        copy += 1
    return folder


def run_main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.mode == "B0" and args.no_b0_pair:
        parser.error("--no-b0-pair applies to --mode B1 only")
    try:  # before the model loads: a wrong path costs a second, not a minute
        check_options(args)
        plan = make_plan(args)
    except (UsageError, ReaderError) as exc:
        print(f"harness: error: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.quiet:
        silence_progress_bars()
    try:
        paths, report = run(args, argv, plan)
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


def check_options(args: argparse.Namespace) -> None:
    """Every path option and combination, checked before anything is made or loaded."""
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
    if args.gate_rate <= 0 or args.gate_rate != args.gate_rate:
        raise UsageError(
            f"--gate-rate must be a positive number of writes per 1,000 tokens, got {args.gate_rate}"
        )
    for name, default in A_ONLY.items():
        if args.scenario != "A" and getattr(args, name) != default:
            raise UsageError(f"--{name} applies to scenario A only")
    saved_reader = args.adapter not in ("none", "default") and args.adapter_layers is None
    if args.mode in ("B1", "B2") and saved_reader:
        try:
            check_saved_reader(args.adapter)
        except ReaderError as exc:
            raise UsageError(f"--adapter: {exc}") from None


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


def make_plan(args: argparse.Namespace) -> Plan:
    """The records and the mode's settings the options name (the stream made once)."""
    reader = ReaderChoice(args.adapter, args.adapter_layers)
    recipe = read_recipe(args)
    baseline = BaselineSettings(args.baseline, args.context_budget, args.rag_k, args.negatives)
    if args.memory == "gated" and args.mode == "B1":
        stream = make_stream(args.n, args.seed, split=args.split, routine=args.stream_routine)
        if not stream.questions:
            raise UsageError(
                "the stream holds no fact a later question asks about: use a larger -n"
            )
        gated = GatedSettings(
            stream, args.n, args.stream_routine, args.gate_rate, recipe.recall_k, reader
        )
        return Plan(list(stream.questions), "B1-gated", gated, baseline)
    records = generate(args.scenario, args.n, args.seed, **dataset_options(args))
    if args.mode in ("B2", "B3"):
        settings: Any = ConsolidatedSettings(
            args.lora, args.mode == "B3", reader, passages=args.scenario == "squad"
        )
    elif args.mode == "B1":
        store = StoreSettings(
            args.store_embedder,
            args.store_keys,
            args.store_size,
            args.split,
            args.seed,
            args.store_url,
        )
        settings = B1Settings(
            reader,
            args.memory,
            args.negatives,
            recipe.recall_k,
            store if args.memory == "store" else None,
            pair_floor=not args.no_b0_pair,
            rag_on_recall=args.memory == "store" and args.baseline == "rag",
        )
    else:
        settings = None
    return Plan(records, args.mode, settings, baseline)


def run(
    args: argparse.Namespace, argv: Sequence[str], plan: Plan
) -> tuple[tuple[Path, Path], dict[str, Any]]:
    """Load, run the planned mode and its baseline, write the two reports; returns their
    paths and the report."""
    started = datetime.now(UTC)  # a casual run's folder is named by when it started
    provenance = versions()  # the code and libraries as the run starts
    set_seed(args.seed)
    loaded = load_model(args.model, dtype=args.dtype, device=args.device)
    settings = GenerationSettings.from_recipe(read_recipe(args))
    inputs = RunInputs(
        model=loaded.model,
        tokenizer=loaded.tokenizer,
        records=plan.records,
        settings=settings,
        geometry=ModelGeometry.from_config(loaded.model.config, loaded.dtype),
        batch_size=args.batch_size,
        with_context=not args.no_context,
    )
    quiet = args.quiet
    context = ModeContext(
        loaded,
        inputs,
        args.seed,
        progress=lambda label, total, work: with_progress(label, total, quiet, work),
        counter=lambda label, total: counted(label, total, quiet),
    )
    result = MODES[plan.mode](plan.settings).run(context)
    summary = dict(result.summary)
    beside = dict(result.runs)
    beside.update(run_baseline(plan.baseline, context, summary, skip=set(beside)))
    report = build_report(
        scenario=args.scenario,
        mode=args.mode,
        config=run_config(args, argv, loaded, settings),
        items=result.items,
        summary=summary,
        baselines=beside,
        comparison=result.comparison,
        provenance=provenance,
        families=family_table(plan.records, {args.mode: result.items, **beside}),
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
