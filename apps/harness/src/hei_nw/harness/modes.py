"""Modes B0 and B1: compose records, prompts, generation and scoring.

B0 is the base model alone. B1 adds the Episodic Adapter at ~60% depth with an
empty memory (M1 has no memory store yet), so its predictions must equal B0's;
it runs the B0 path on the same items, interleaved batch by batch, to measure
the adapter's latency overhead side by side.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.adapter import EpisodicAdapter
from hei_nw.datasets import Record
from hei_nw.eval.prompts import build_prompt
from hei_nw.eval.runner import GenerationSettings, batches, run_generation
from hei_nw.harness.progress import Progress
from hei_nw.metrics import ModelGeometry


@dataclass(frozen=True)
class RunInputs:
    """Everything a mode needs besides the mode itself."""

    model: Any
    tokenizer: Any
    records: Sequence[Record]
    settings: GenerationSettings
    geometry: ModelGeometry
    batch_size: int
    with_context: bool
    quiet: bool


def prompts_for(records: Sequence[Record], with_context: bool) -> list[str]:
    return [build_prompt(r["query"], r["context"] if with_context else None) for r in records]


def run_b0(inputs: RunInputs) -> list[dict[str, Any]]:
    """Base model only."""
    progress = Progress(len(inputs.records), "B0", inputs.quiet)
    try:
        return run_generation(
            inputs.model,
            inputs.tokenizer,
            inputs.records,
            prompts_for(inputs.records, inputs.with_context),
            inputs.settings,
            inputs.geometry,
            inputs.batch_size,
            on_item=progress.update,
        )
    finally:
        progress.close()


@dataclass(frozen=True)
class B1Run:
    items: list[dict[str, Any]]
    b0_items: list[dict[str, Any]] | None
    summary: dict[str, Any]


def run_b1(inputs: RunInputs, adapter: EpisodicAdapter, pair_with_b0: bool = True) -> B1Run:
    """B1 with empty memory; with ``pair_with_b0`` the B0 path runs on the same
    batches, alternating which goes first, to pair per-item latencies."""
    prompts = prompts_for(inputs.records, inputs.with_context)
    progress = Progress(len(inputs.records), "B1", inputs.quiet)
    b1_items: list[dict[str, Any]] = []
    b0_items: list[dict[str, Any]] = []
    common = (inputs.model, inputs.tokenizer)
    try:
        for turn, chunk in enumerate(batches(len(inputs.records), inputs.batch_size)):
            records = [inputs.records[i] for i in chunk]
            chunk_prompts = [prompts[i] for i in chunk]

            def b1() -> list[dict[str, Any]]:
                return run_generation(
                    *common, records, chunk_prompts, inputs.settings, inputs.geometry,
                    len(records), adapter=adapter, mem_tokens=None,
                )

            def b0() -> list[dict[str, Any]]:
                return run_generation(
                    *common, records, chunk_prompts, inputs.settings, inputs.geometry, len(records)
                )

            if pair_with_b0 and turn % 2 == 0:
                b0_items += b0()
                b1_items += b1()
            elif pair_with_b0:
                new_b1 = b1()
                b0_items += b0()
                b1_items += new_b1
            else:
                b1_items += b1()
            for item in b1_items[len(b1_items) - len(records) :]:
                progress.update(item)
    finally:
        progress.close()
    summary: dict[str, Any] = {
        "memory": "empty (M1: no memory store; generation gets mem_tokens=None)",
        "adapter_layer_index": adapter.layer_index,
        "b1_latency_median_s": _median([i["latency_s"] for i in b1_items]),
    }
    if pair_with_b0:
        summary.update(pair_summary(b0_items, b1_items))
    return B1Run(items=b1_items, b0_items=b0_items if pair_with_b0 else None, summary=summary)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def pair_summary(b0_items: Sequence[dict[str, Any]], b1_items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Paired latency overhead and prediction equality of B1 against B0.

    With no items the overhead is 0 s, the ratio 1 and the predictions
    (vacuously) identical, so the fields are never null.
    """
    diffs = [b1["latency_s"] - b0["latency_s"] for b0, b1 in zip(b0_items, b1_items, strict=True)]
    ratios = [
        b1["latency_s"] / b0["latency_s"]
        for b0, b1 in zip(b0_items, b1_items, strict=True)
        if b0["latency_s"] > 0
    ]
    mismatches = sum(b0["prediction"] != b1["prediction"] for b0, b1 in zip(b0_items, b1_items, strict=True))
    return {
        "paired_items": len(diffs),
        "b0_latency_median_s": _median([i["latency_s"] for i in b0_items]),
        "adapter_latency_overhead_s": _median(diffs),
        "b1_b0_latency_ratio": _median(ratios) if ratios else 1.0,
        "predictions_identical_to_b0": mismatches == 0,
        "prediction_mismatches": mismatches,
    }
