"""``--memory gated``: a labelled stream through the write gate, then the questions (issue 23).

Wiring only: the stream (``hei_nw.datasets.stream``), the signals, ranking and
calibration (``hei_nw.eval.gating``) and the policies' stores
(``hei_nw.eval.gated``) live in the eval package. The calibration is fitted on a
training stream of another seed and vocabulary split; everything reported is
measured on the run's own stream.
"""

from __future__ import annotations

import argparse
from typing import Any

from tqdm import tqdm

from hei_nw.core import READ_RECIPE
from hei_nw.datasets.stream import Stream, make_stream
from hei_nw.eval import ItemResult, RunInputs, memory_comparison, run_b1
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
from hei_nw.harness.progress import with_progress
from hei_nw.harness.reader_choice import select_reader
from hei_nw.models import LoadedModel

CALIBRATION_SPLIT = "train"
"""The training stream's vocabulary: never the dev or test stream's."""


def gate_stream(args: argparse.Namespace) -> Stream:
    return make_stream(args.n, args.seed, split=args.split, routine=args.stream_routine)


def run_gated(
    args: argparse.Namespace, loaded: LoadedModel, inputs: RunInputs, stream: Stream
) -> tuple[list[ItemResult], dict[str, Any], dict[str, list[ItemResult]], dict[str, Any]]:
    """B1 answered from the gate's store, beside the other policies at the same writes."""
    model, tokenizer = loaded.model, loaded.tokenizer
    training = make_stream(
        args.n, args.seed + 1, split=CALIBRATION_SPLIT, routine=args.stream_routine
    )

    def measure(label: str, which: Stream) -> list[Candidate]:
        with tqdm(total=len(which.segments), desc=label, unit="segment", disable=args.quiet) as bar:
            return measure_signals(model, tokenizer, which, on_item=lambda: bar.update(1))

    fit_on = measure("signals (training stream)", training)
    candidates = measure("signals", stream)
    platt = Platt.fit(scores(fit_on, "gate"), [c.label for c in fit_on])
    probabilities = [platt(s) for s in scores(candidates, "gate")]
    labels = [c.label for c in candidates]
    tokens = sum(c.tokens for c in candidates)
    gate_summary: dict[str, Any] = {
        "stream": {
            "segments": len(candidates),
            "tokens": tokens,
            "positives": sum(labels),
            "positives_per_1k_tokens": 1000 * sum(labels) / tokens,
            "positive_share": sum(labels) / len(labels),
            "kinds": _kinds(stream),
            "training_stream": {
                "seed": args.seed + 1,
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
        "target_per_1k": args.gate_rate,
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
    reader, identity = select_reader(args, loaded)
    cap = reader.config.max_mem_tokens or READ_RECIPE.memory_cap
    writes = policy_writes(candidates, args.gate_rate, args.seed)
    runs: dict[str, list[ItemResult]] = {}
    policies: dict[str, Any] = {}
    items: list[ItemResult] = []
    floor: list[ItemResult] = []
    for name in POLICIES:
        live = live_memories(stream, writes[name], tokenizer, cap, args.recall_k, name)
        policies[name] = live.summary
        memories, paired = live.memories, name == "gate"
        b1 = with_progress(
            f"B1 {name}",
            len(inputs.records),
            args.quiet,
            lambda tick: run_b1(inputs, reader, memories, paired, tick),  # noqa: B023 - called at once
        )
        if name == "gate":
            items, floor = b1.items, b1.floor_items
        else:
            runs[f"B1 {name}"] = b1.items
    gate_summary["policies"] = policies
    all_runs = {"B1 gate": items, "B0 no-context (floor)": floor, **runs}
    comparison = memory_comparison(inputs.records, all_runs, "B1 gate", "B0 no-context (floor)")
    return items, {**identity, "gate": gate_summary}, {"no_memory_floor": floor, **runs}, comparison


def _kinds(stream: Stream) -> dict[str, int]:
    counts: dict[str, int] = {}
    for segment in stream.segments:
        counts[segment.kind] = counts.get(segment.kind, 0) + 1
    return counts


def _without_indices(result: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in result.items() if k != "written"}, "writes": len(result["written"])}
