"""B0 and B1 as modes of the registry (:mod:`hei_nw.eval.registry`).

B0: the base model alone. B1: the question alone, the episode only in memory, read
through the copy-head reader - from what a perfect store would recall (``oracle``),
from what a store of the run's episodes recalls (``store``), or from nothing
(``none``). Beside B1 run the episode-in-prompt reference, the rule parser reading
the same memory, the paired floor and, from a store, the oracle memory and RAG on
the same recall.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from hei_nw.baselines import run_recalled_rag, run_rules
from hei_nw.core import READ_RECIPE
from hei_nw.eval.comparison import memory_comparison, side_by_side
from hei_nw.eval.memories import StoreRun, StoreSettings, oracle_memories, store_memories
from hei_nw.eval.mode_types import ModeContext, ModeRun
from hei_nw.eval.modes import run_b0, run_b1
from hei_nw.eval.readers import ReaderChoice, choose_reader
from hei_nw.eval.results import ItemResult

FLOOR, REFERENCE = "B0 no-context (floor)", "B0 episode in prompt (reference)"


class B0Mode:
    """The base model alone (with the episode in the prompt unless the run says not)."""

    def run(self, context: ModeContext) -> ModeRun:
        inputs = context.inputs
        items = context.progress("B0", len(inputs.records), lambda tick: run_b0(inputs, tick))
        return ModeRun(items)


@dataclass(frozen=True)
class B1Settings:
    """Where B1's memory comes from and what runs beside it."""

    reader: ReaderChoice = field(default_factory=ReaderChoice)
    memory: str = "oracle"  # oracle | store | none
    negatives: int = 0  # hard negatives packed with the oracle episode
    recall_k: int = READ_RECIPE.recall_k
    store: StoreSettings | None = None  # required for memory="store"
    pair_floor: bool = True  # run the floor interleaved, item by item
    rag_on_recall: bool = False  # with a store: RAG on exactly what it recalled


class B1Mode:
    def __init__(self, settings: B1Settings) -> None:
        if settings.memory == "store" and settings.store is None:
            raise ValueError("B1 from a store needs its StoreSettings")
        self.settings = settings

    def run(self, context: ModeContext) -> ModeRun:
        settings, inputs, loaded = self.settings, context.inputs, context.loaded
        records, n = inputs.records, len(inputs.records)
        reader, identity = choose_reader(loaded, settings.reader)
        cap = reader.config.max_mem_tokens or READ_RECIPE.memory_cap
        oracle = oracle_memories(records, loaded.tokenizer, cap, settings.negatives, context.seed)
        memories = oracle if settings.memory == "oracle" else [[] for _ in records]
        summary: dict[str, Any] = {}
        stored: StoreRun | None = None
        if settings.memory == "store" and settings.store is not None:
            stored = store_memories(
                records, loaded.tokenizer, cap, settings.recall_k, settings.store
            )
            memories = stored.memories
            summary["retrieval"] = stored.summary
        b1 = context.progress(
            "B1", n, lambda tick: run_b1(inputs, reader, memories, settings.pair_floor, tick)
        )
        items, summary = b1.items, {**identity, **summary, **b1.summary}
        if stored is not None:
            recalled = stored.items
            items = [replace(i, store_recall=r) for i, r in zip(items, recalled, strict=True)]
        reference = context.progress(
            "reference", n, lambda tick: run_b0(replace(inputs, with_context=True), tick)
        )
        runs = {"B1 memory-only": items, REFERENCE: reference}
        if stored is not None:
            runs["B1 oracle memory"] = run_b1(inputs, reader, oracle, False).items
        beside: dict[str, list[ItemResult]] = {"episode_in_prompt": reference}
        # The template parser reading the very memory the reader read: beside every B1 figure.
        beside["rules"] = runs["rules (same memory)"] = run_rules(
            records, memories, loaded.tokenizer
        )
        comparison = None
        if settings.pair_floor:
            runs[FLOOR] = beside["no_memory_floor"] = b1.floor_items
            comparison = memory_comparison(records, runs, "B1 memory-only", FLOOR)
        if stored is not None and settings.rag_on_recall:
            found = stored.episodes
            beside["rag"] = context.progress(
                "RAG (same recall)",
                n,
                lambda tick: run_recalled_rag(
                    loaded.model,
                    loaded.tokenizer,
                    records,
                    found,
                    inputs.settings,
                    inputs.geometry,
                    inputs.batch_size,
                    tick,
                ),
            )
            summary["memory_vs_rag"] = side_by_side(items, beside["rag"])
        return ModeRun(items, summary, beside, comparison)
