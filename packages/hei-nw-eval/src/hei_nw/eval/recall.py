"""A run's episodes in an episodic store, recalled by each question.

Every episode of a run - each item's target and its distractors, plus optional
filler episodes - is written to a fresh :class:`~hei_nw.memory.EpisodeStore`
in item order; each question then recalls its top ``k``. Retrieval is scored
against the item's own trace: P@1, MRR and recall@k, with recall latency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.datasets import Record, generate, write_order
from hei_nw.memory import Embedder, EpisodeStore
from hei_nw.metrics import latency_summary, timed
from hei_nw.pack import SLOTS


@dataclass(frozen=True)
class RecallRun:
    """Recalled traces per item (rank order), per-item scores and the summary."""

    traces: list[list[dict[str, Any]]]
    items: list[dict[str, Any]]
    summary: dict[str, Any]


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(str(a.get(s, "")) == str(b.get(s, "")) for s in SLOTS)


def fill_store(
    records: Sequence[Record],
    embedder: Embedder,
    filler: int = 0,
    split: str = "test",
    seed: int = 0,
    keys: str = "dense",
) -> EpisodeStore:
    """A fresh in-memory store holding ``filler`` unrelated scenario-A episodes
    (older memories, from a seed no item uses) and then every episode of
    ``records`` in the run's write order, so each item's lag is the number of
    writes after its target (:mod:`hei_nw.datasets.lag`)."""
    store = EpisodeStore(embedder, keys=keys)
    for extra in generate("A", filler, seed + 1_000_003, split=split):
        store.write(extra["trace"])
    for episode in write_order(records):
        store.write(episode["trace"])
    return store


def recall_for(records: Sequence[Record], store: EpisodeStore, k: int) -> RecallRun:
    """Recall ``k`` episodes per question and score them against the item's trace."""
    traces: list[list[dict[str, Any]]] = []
    items: list[dict[str, Any]] = []
    for record in records:
        with timed() as timer:
            hits = store.recall(record["query"], k)
        rank = next((h.rank for h in hits if _same(h.trace, record["trace"])), None)
        traces.append([h.trace for h in hits])
        items.append(
            {
                "id": record["id"],
                "target_rank": rank,
                "p_at_1": float(rank == 0),
                "reciprocal_rank": 0.0 if rank is None else 1.0 / (rank + 1),
                f"recall_at_{k}": float(rank is not None),
                "recall_latency_s": timer.elapsed_s,
            }
        )
    n = len(items) or 1
    latency = latency_summary([i["recall_latency_s"] for i in items])
    summary = {
        "store_size": len(store),
        "recall_k": k,
        "p_at_1": sum(i["p_at_1"] for i in items) / n,
        "mrr": sum(i["reciprocal_rank"] for i in items) / n,
        f"recall_at_{k}": sum(i[f"recall_at_{k}"] for i in items) / n,
        "recall_latency_p50_s": latency["p50"],
        "recall_latency_p95_s": latency["p95"],
        "index": store.index.kind,
    }
    return RecallRun(traces, items, summary)
