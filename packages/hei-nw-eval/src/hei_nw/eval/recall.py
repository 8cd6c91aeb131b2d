"""A run's episodes in an episodic store, recalled by each question.

Every episode of a run - what each item's question needs (its trace, or B's
original and update, E's transcript parts, a SQuAD passage) and its distractors,
plus optional filler episodes - is written to a fresh
:class:`~hei_nw.memory.EpisodeStore` in write order; each question then recalls
its top ``k``. Retrieval is scored against the item's own episode: P@1, MRR and
recall@k, with recall latency.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.datasets import Episode, Record, generate, oracle_episodes, write_order
from hei_nw.datasets.squad import passages as squad_passages
from hei_nw.memory import Embedder, EpisodeStore, Hit, Store
from hei_nw.metrics import latency_summary, timed
from hei_nw.pack import SLOTS


@dataclass(frozen=True)
class RecallRun:
    """Recalled episodes per item (rank order: traces, or texts), per-item scores and the summary."""

    traces: list[list[Episode]]
    items: list[dict[str, Any]]
    summary: dict[str, Any]


def _same(hit: Hit, record: Record) -> bool:
    """Whether ``hit`` is the item's own episode (its trace, or the text holding its answer)."""
    if not hit.trace:
        return any(isinstance(e, str) and e == hit.text for e in oracle_episodes(record))
    return all(str(hit.trace.get(s, "")) == str(record["trace"].get(s, "")) for s in SLOTS)


def _write(store: Store, episode: Episode) -> None:
    if isinstance(episode, str):
        store.write(None, episode)
    else:
        store.write(episode)


def fill_store(
    records: Sequence[Record],
    embedder: Embedder,
    filler: int = 0,
    split: str = "test",
    seed: int = 0,
    keys: str = "dense",
    url: str | None = None,
) -> Store:
    """A fresh in-memory store holding ``filler`` unrelated scenario-A episodes
    (older memories, from a seed no item uses) and then every episode of
    ``records`` in the run's write order, so each item's lag is the number of
    writes after its target (:mod:`hei_nw.datasets.lag`). With ``url`` the store is a
    new tenant of that PostgreSQL database instead (the same episodes, the same ids)."""
    store: Store = EpisodeStore(embedder, keys=keys)
    if url is not None:
        from hei_nw.memory.postgres import PostgresStore

        store = PostgresStore(url, embedder, f"harness-{uuid.uuid4().hex[:12]}", keys)
    for extra in generate("A", filler, seed + 1_000_003, split=split):
        store.write(extra["trace"])
    seen: set[str] = set()  # D's near-collisions are its memory and its distractors: once
    if records and records[0]["scenario"] == "squad":  # the whole half, as older memories
        for passage in squad_passages(split, seed):
            seen.add(json.dumps(passage, sort_keys=True))
            store.write(None, passage)
    for record in write_order(records):
        for episode in oracle_episodes(record):
            key = json.dumps(episode, sort_keys=True)
            if key not in seen:
                seen.add(key)
                _write(store, episode)
    return store


def recall_for(records: Sequence[Record], store: Store, k: int) -> RecallRun:
    """Recall ``k`` episodes per question and score them against the item's trace."""
    traces: list[list[Episode]] = []
    items: list[dict[str, Any]] = []
    for record in records:
        with timed() as timer:
            hits = store.recall(record["query"], k)
        rank = next((h.rank for h in hits if _same(h, record)), None)
        traces.append([h.trace or h.text for h in hits])
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
        "index": store.index.kind if isinstance(store, EpisodeStore) else "postgres (exact)",
    }
    return RecallRun(traces, items, summary)
