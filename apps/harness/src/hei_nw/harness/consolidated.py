"""Modes B2 and B3: the base with a consolidated LoRA, with memory (B2) or without (B3).

Each runs beside the same items on the bare base - the LoRA disabled, which is
exactly the base (PEFT; tested) - so the report pairs item by item:

* B3 (closed book, no memory) against the floor (B0, no notes) - did the
  knowledge move into the weights? - and the in-prompt reference with and
  without the LoRA (does the model still read its notes?);
* B2 (LoRA + memory reader) against B1 (memory reader alone) - memory plus
  weights must never be worse than memory alone.

Drift fields go in the summary: predictions naming a consolidated episode's
value (on never-consolidated items: invented knowledge), predictions that answer
"unknown", and for SQuAD items the perplexity of their passages with and without
the LoRA.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from hei_nw.baselines import run_rules
from hei_nw.consolidate import is_unknown, load_lora, perplexity_drift, read_record
from hei_nw.core import READ_RECIPE
from hei_nw.datasets import Record
from hei_nw.eval import ItemResult, RunInputs, memory_comparison, oracle_memories, run_b0, run_b1
from hei_nw.harness.progress import with_progress
from hei_nw.harness.reader_choice import select_reader
from hei_nw.models import LoadedModel

Runs = dict[str, list[ItemResult]]


def run_consolidated(
    args: argparse.Namespace, loaded: LoadedModel, inputs: RunInputs
) -> tuple[list[ItemResult], dict[str, Any], Runs, dict[str, Any]]:
    """The mode's items, its summary, the paired runs on the bare base, and the comparison."""
    peft = load_lora(loaded.model, args.lora)  # wraps loaded.model's layers in place
    record = read_record(args.lora)

    def bare(run: Callable[[], list[ItemResult]]) -> list[ItemResult]:
        with peft.disable_adapter():
            return run()

    def timed(
        label: str, run: Callable[[Callable[[ItemResult], None] | None], list[ItemResult]]
    ) -> list[ItemResult]:
        return with_progress(label, len(inputs.records), args.quiet, run)

    closed = replace(inputs, with_context=False)
    open_book = replace(inputs, with_context=True)
    reference = timed("reference + LoRA", lambda tick: run_b0(open_book, tick))
    base_reference = bare(lambda: run_b0(open_book))
    runs: Runs = {}
    if args.mode == "B3":
        items = timed("B3", lambda tick: run_b0(closed, tick))
        floor = bare(lambda: run_b0(closed))
        runs = {"B3 LoRA, no memory": items, "B0 no-context (floor)": floor}
        memory_name, floor_name = "B3 LoRA, no memory", "B0 no-context (floor)"
    else:
        reader, _identity = select_reader(args, loaded)
        cap = reader.config.max_mem_tokens or READ_RECIPE.memory_cap
        memories = oracle_memories(inputs.records, loaded.tokenizer, cap, 0, args.seed)
        items = timed("B2", lambda tick: run_b1(inputs, reader, memories, False, tick).items)
        b1 = bare(lambda: run_b1(inputs, reader, memories, False).items)
        floor = bare(lambda: run_b0(closed))
        runs = {"B2 LoRA + memory": items, "B1 memory only": b1, "B0 no-context (floor)": floor}
        memory_name, floor_name = "B2 LoRA + memory", "B1 memory only"
        runs["rules"] = run_rules(inputs.records, memories, loaded.tokenizer)
    runs["reference + LoRA"] = reference
    runs["B0 episode in prompt (reference)"] = base_reference
    comparison = memory_comparison(inputs.records, runs, memory_name, floor_name)
    summary: dict[str, Any] = {
        "lora": args.lora,
        "lora_record": {
            k: record.get(k) for k in ("steps", "rows", "stopped_early", "config", "store")
        },
        "lora_episodes": len(record.get("episodes", [])),
        "consolidated_value_rate": {
            name: consolidated_rate(run, record.get("answers", [])) for name, run in runs.items()
        },
        "unknown_rate": {name: unknown_rate(run) for name, run in runs.items()},
    }
    if args.scenario == "squad":
        summary["passage_perplexity"] = passage_perplexity(peft, loaded, inputs.records)
    return items, summary, runs, comparison


def consolidated_rate(items: Sequence[ItemResult], answers: Sequence[str]) -> float:
    """Share of predictions naming a value the LoRA consolidated (names, places, dates
    of at least 4 characters) that the question itself does not contain - an echo of
    the cue is not knowledge. On items never consolidated: invented knowledge."""
    values = [a.lower() for a in answers if len(a) >= 4]
    if not items or not values:
        return 0.0
    hits = sum(
        any(v in item.prediction.lower() and v not in item.prompt.lower() for v in values)
        for item in items
    )
    return hits / len(items)


def unknown_rate(items: Sequence[ItemResult]) -> float:
    """Share of predictions that answer the consolidation rows' "unknown" (abstentions):
    right on items never consolidated, a lost answer on consolidated ones."""
    if not items:
        return 0.0
    return sum(is_unknown(item.prediction) for item in items) / len(items)


def passage_perplexity(peft: Any, loaded: LoadedModel, records: Sequence[Record]) -> dict[str, Any]:
    """Perplexity of the items' passages (real text the LoRA never saw), with and without it."""
    passages = sorted({str(r["context"]) for r in records})
    return perplexity_drift(peft, loaded.tokenizer, passages).as_dict()
