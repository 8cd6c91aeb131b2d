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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hei_nw.baselines import run_rules
from hei_nw.consolidate import is_unknown, load_lora, perplexity_drift, read_record
from hei_nw.core import READ_RECIPE
from hei_nw.datasets import Record
from hei_nw.eval.comparison import memory_comparison
from hei_nw.eval.memories import oracle_memories
from hei_nw.eval.mode_types import ModeContext, ModeRun
from hei_nw.eval.modes import OnItem, run_b0, run_b1
from hei_nw.eval.readers import ReaderChoice, choose_reader
from hei_nw.eval.results import ItemResult
from hei_nw.models import LoadedModel

Runs = dict[str, list[ItemResult]]


@dataclass(frozen=True)
class ConsolidatedSettings:
    """B3 (``closed_book``: the LoRA, no memory) or B2 (the LoRA and the memory reader)."""

    lora: str  # a folder made by ``harness consolidate``
    closed_book: bool
    reader: ReaderChoice = field(default_factory=ReaderChoice)
    passages: bool = False  # SQuAD items: also the passages' perplexity with and without


class ConsolidatedMode:
    def __init__(self, settings: ConsolidatedSettings) -> None:
        self.settings = settings

    def run(self, context: ModeContext) -> ModeRun:
        """The mode's items beside the paired runs on the bare base, and the comparison."""
        settings, loaded, inputs = self.settings, context.loaded, context.inputs
        peft = load_lora(loaded.model, settings.lora)  # wraps loaded.model's layers in place
        record = read_record(settings.lora)

        def bare(run: Callable[[], list[ItemResult]]) -> list[ItemResult]:
            with peft.disable_adapter():
                return run()

        def timed(label: str, run: Callable[[OnItem | None], list[ItemResult]]) -> list[ItemResult]:
            return context.progress(label, len(inputs.records), run)

        closed = replace(inputs, with_context=False)
        open_book = replace(inputs, with_context=True)
        reference = timed("reference + LoRA", lambda tick: run_b0(open_book, tick))
        base_reference = bare(lambda: run_b0(open_book))
        runs: Runs = {}
        if settings.closed_book:
            items = timed("B3", lambda tick: run_b0(closed, tick))
            floor = bare(lambda: run_b0(closed))
            runs = {"B3 LoRA, no memory": items, "B0 no-context (floor)": floor}
            memory_name, floor_name = "B3 LoRA, no memory", "B0 no-context (floor)"
        else:
            reader, _identity = choose_reader(loaded, settings.reader)
            cap = reader.config.max_mem_tokens or READ_RECIPE.memory_cap
            memories = oracle_memories(inputs.records, loaded.tokenizer, cap, 0, context.seed)
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
            "lora": settings.lora,
            "lora_record": {
                k: record.get(k) for k in ("steps", "rows", "stopped_early", "config", "store")
            },
            "lora_episodes": len(record.get("episodes", [])),
            "consolidated_value_rate": {
                name: consolidated_rate(run, record.get("answers", []))
                for name, run in runs.items()
            },
            "unknown_rate": {name: unknown_rate(run) for name, run in runs.items()},
        }
        if settings.passages:
            summary["passage_perplexity"] = passage_perplexity(peft, loaded, inputs.records)
        beside = {name: run for name, run in runs.items() if run is not items}
        return ModeRun(items, summary, beside, comparison)


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
