"""Modes B0 and B1: compose records, prompts, generation and scoring.

B0 is the base model alone. B1 asks the question *without* the episode and
gives the episode to the memory reader instead (packed memory tokens); the
floor - B0 with the same no-notes prompt - runs on the same items, interleaved
batch by batch, so predictions and latencies pair item by item. With a fresh
reader (every gate 0) B1's predictions must equal the floor's exactly.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.datasets import Record
from hei_nw.eval.prompts import build_prompt
from hei_nw.eval.results import ItemResult
from hei_nw.eval.runner import GenerationSettings, batches, run_generation
from hei_nw.metrics import ModelGeometry
from hei_nw.models import MemoryReader

OnItem = Callable[[ItemResult], None]
"""Called with each finished item (the app's progress bar)."""


@dataclass(frozen=True)
class RunInputs:
    """Everything a mode needs besides the mode itself: the run's configuration."""

    model: Any
    tokenizer: Any
    records: Sequence[Record]
    settings: GenerationSettings
    geometry: ModelGeometry
    batch_size: int
    with_context: bool


def prompts_for(records: Sequence[Record], with_context: bool) -> list[str]:
    return [build_prompt(r["query"], r["context"] if with_context else None) for r in records]


def run_b0(inputs: RunInputs, on_item: OnItem | None = None) -> list[ItemResult]:
    """Base model only."""
    return run_generation(
        inputs.model,
        inputs.tokenizer,
        inputs.records,
        prompts_for(inputs.records, inputs.with_context),
        inputs.settings,
        inputs.geometry,
        inputs.batch_size,
        on_item=on_item,
    )


@dataclass(frozen=True)
class B1Run:
    """A B1 run: its items, the paired floor's items (empty when unpaired), and
    the summary the report records (reader layout, latency, pair fields)."""

    items: list[ItemResult]
    floor_items: list[ItemResult]
    summary: dict[str, Any]


def run_b1(
    inputs: RunInputs,
    reader: MemoryReader,
    memories: Sequence[list[int]],
    pair_with_b0: bool = True,
    on_item: OnItem | None = None,
) -> B1Run:
    """B1: the question alone, the episode only in memory, read through ``reader``.

    With ``pair_with_b0`` the floor (B0 with the same no-notes prompts, no
    memory) runs on the same batches, alternating which goes first, to pair
    per-item predictions and latencies.
    """
    prompts = prompts_for(inputs.records, with_context=False)
    b1_items: list[ItemResult] = []
    b0_items: list[ItemResult] = []
    for turn, chunk in enumerate(batches(len(inputs.records), inputs.batch_size)):
        records = [inputs.records[i] for i in chunk]
        chunk_prompts = [prompts[i] for i in chunk]
        chunk_memories = [memories[i] for i in chunk]
        # Alternate which run goes first so neither always pays for a cold cache.
        order = ("B0", "B1") if turn % 2 == 0 else ("B1", "B0")
        for mode in order if pair_with_b0 else ("B1",):
            if mode == "B0":
                b0_items += _generate(inputs, records, chunk_prompts)
            else:
                new_b1 = _generate(inputs, records, chunk_prompts, reader, chunk_memories)
                b1_items += new_b1
                for item in new_b1:
                    if on_item is not None:
                        on_item(item)
    summary: dict[str, Any] = {
        "read_layers": list(reader.config.read_layers),
        "memory_layer": reader.config.memory_layer,
        "copy_head": reader.config.copy,
        "mean_memory_tokens": _mean([len(m) for m in memories]),
        "b1_latency_median_s": _median([i.latency_s for i in b1_items]),
    }
    if pair_with_b0:
        summary.update(pair_summary(b0_items, b1_items))
    return B1Run(items=b1_items, floor_items=b0_items, summary=summary)


def _generate(
    inputs: RunInputs,
    records: Sequence[Record],
    prompts: Sequence[str],
    reader: MemoryReader | None = None,
    memories: Sequence[Sequence[int]] | None = None,
) -> list[ItemResult]:
    """One timed batch of generations (the whole chunk in one generate call)."""
    return run_generation(
        inputs.model,
        inputs.tokenizer,
        records,
        prompts,
        inputs.settings,
        inputs.geometry,
        batch_size=len(records),
        reader=reader,
        memories=memories,
    )


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def pair_summary(b0_items: Sequence[ItemResult], b1_items: Sequence[ItemResult]) -> dict[str, Any]:
    """Paired latency overhead and prediction equality of B1 against B0.

    With no items the overhead is 0 s, the ratio 1 and the predictions
    (vacuously) identical, so the fields are never null.
    """
    pairs = list(zip(b0_items, b1_items, strict=True))
    diffs = [b1.latency_s - b0.latency_s for b0, b1 in pairs]
    ratios = [b1.latency_s / b0.latency_s for b0, b1 in pairs if b0.latency_s > 0]
    mismatches = sum(b0.prediction != b1.prediction for b0, b1 in pairs)
    return {
        "paired_items": len(diffs),
        "b0_latency_median_s": _median([i.latency_s for i in b0_items]),
        "adapter_latency_overhead_s": _median(diffs),
        "b1_b0_latency_ratio": _median(ratios) if ratios else 1.0,
        "predictions_identical_to_b0": mismatches == 0,
        "prediction_mismatches": mismatches,
    }
