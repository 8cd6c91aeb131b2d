"""B1 behind the write gate (``harness --memory gated``): a labelled stream through the
gate, then the questions, answered from what each policy wrote.

The stream comes from ``hei_nw.datasets.stream``, the signals, ranking and calibration
from ``hei_nw.eval.gating``, the policies' stores from ``hei_nw.eval.gated``. The
calibration is fitted on a training stream of another seed and vocabulary split;
everything reported is measured on the run's own stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hei_nw.core import READ_RECIPE
from hei_nw.datasets.stream import Stream, make_stream
from hei_nw.eval.comparison import memory_comparison
from hei_nw.eval.gated import POLICIES, live_memories, policy_writes
from hei_nw.eval.gating import (
    SCORERS,
    Candidate,
    Platt,
    measure_signals,
    online_writes,
    ranking,
    reliability,
    scores,
)
from hei_nw.eval.mode_types import ModeContext, ModeRun
from hei_nw.eval.modes import run_b1
from hei_nw.eval.readers import ReaderChoice, choose_reader
from hei_nw.eval.results import ItemResult

CALIBRATION_SPLIT = "train"
"""The training stream's vocabulary: never the dev or test stream's."""


@dataclass(frozen=True)
class GatedSettings:
    """The run's stream (made once, when the run is planned) and how it is written."""

    stream: Stream
    n: int  # facts in the stream; the calibration stream has as many
    routine: int  # routine segments after each fact (+-3)
    gate_rate: float  # target writes per 1,000 tokens
    recall_k: int = READ_RECIPE.recall_k
    reader: ReaderChoice = field(default_factory=ReaderChoice)


class GatedMode:
    def __init__(self, settings: GatedSettings) -> None:
        self.settings = settings

    def run(self, context: ModeContext) -> ModeRun:
        """B1 answered from the gate's store, beside the other policies at the same writes."""
        settings, loaded, inputs = self.settings, context.loaded, context.inputs
        model, tokenizer, stream = loaded.model, loaded.tokenizer, settings.stream
        seed = context.seed
        training = make_stream(
            settings.n, seed + 1, split=CALIBRATION_SPLIT, routine=settings.routine
        )

        def measure(label: str, which: Stream) -> list[Candidate]:
            with context.counter(label, len(which.segments)) as tick:
                return measure_signals(model, tokenizer, which, on_item=tick)

        fit_on = measure("signals (training stream)", training)
        candidates = measure("signals", stream)
        platt = Platt.fit(scores(fit_on, "gate"), [c.label for c in fit_on])
        probabilities = [platt(s) for s in scores(candidates, "gate")]
        gate_summary = _gate_summary(stream, candidates, probabilities, platt, fit_on, seed)
        gate_summary = {**gate_summary, "target_per_1k": settings.gate_rate}
        gate_summary["candidates"] = gate_summary.pop("candidates")  # the report's order
        reader, identity = choose_reader(loaded, settings.reader)
        cap = reader.config.max_mem_tokens or READ_RECIPE.memory_cap
        writes = policy_writes(candidates, settings.gate_rate, seed)
        runs: dict[str, list[ItemResult]] = {}
        policies: dict[str, Any] = {}
        items: list[ItemResult] = []
        floor: list[ItemResult] = []
        for name in POLICIES:
            live = live_memories(stream, writes[name], tokenizer, cap, settings.recall_k, name)
            policies[name] = live.summary
            memories, paired = live.memories, name == "gate"
            b1 = context.progress(
                f"B1 {name}",
                len(inputs.records),
                lambda tick: run_b1(inputs, reader, memories, paired, tick),  # noqa: B023 - called at once
            )
            if name == "gate":
                items, floor = b1.items, b1.floor_items
            else:
                runs[f"B1 {name}"] = b1.items
        gate_summary["policies"] = policies
        all_runs = {"B1 gate": items, "B0 no-context (floor)": floor, **runs}
        comparison = memory_comparison(inputs.records, all_runs, "B1 gate", "B0 no-context (floor)")
        summary = {**identity, "gate": gate_summary}
        return ModeRun(items, summary, {"no_memory_floor": floor, **runs}, comparison)


def _gate_summary(
    stream: Stream,
    candidates: list[Candidate],
    probabilities: list[float],
    platt: Platt,
    fit_on: list[Candidate],
    seed: int,
) -> dict[str, Any]:
    """The stream, the signals' ranking, the calibration and the online write rates."""
    labels = [c.label for c in candidates]
    tokens = sum(c.tokens for c in candidates)
    return {
        "stream": {
            "segments": len(candidates),
            "tokens": tokens,
            "positives": sum(labels),
            "positives_per_1k_tokens": 1000 * sum(labels) / tokens,
            "positive_share": sum(labels) / len(labels),
            "kinds": _kinds(stream),
            "training_stream": {
                "seed": seed + 1,
                "split": CALIBRATION_SPLIT,
                "segments": len(fit_on),
            },
        },
        "ranking": {name: ranking(candidates, name) for name in SCORERS},
        "calibration": {
            "method": "platt",
            "a": platt.a,
            "b": platt.b,
            **reliability(probabilities, labels),
        },
        "online": {f"{r:g}": _without_indices(online_writes(candidates, r)) for r in (1, 2, 5)},
        "candidates": [
            {
                "segment": c.index,
                "kind": stream.segments[c.index].kind,
                "label": c.label,
                "tokens": c.tokens,
                "nll": c.nll,
                "surprise": c.signals.surprise,
                "novelty": c.signals.novelty,
                "reward": c.signals.reward,
                "pin": c.signals.pin,
                "probability": p,
            }
            for c, p in zip(candidates, probabilities, strict=True)
        ],
    }


def _kinds(stream: Stream) -> dict[str, int]:
    counts: dict[str, int] = {}
    for segment in stream.segments:
        counts[segment.kind] = counts.get(segment.kind, 0) + 1
    return counts


def _without_indices(result: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in result.items() if k != "written"}, "writes": len(result["written"])}
