"""B1's memory per item: what a perfect store would recall (oracle), what the store
recalls, or none."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.datasets import Episode, Record, oracle_episodes
from hei_nw.eval.recall import fill_store, recall_for
from hei_nw.memory import make_embedder
from hei_nw.pack import pack_episodes


@dataclass(frozen=True)
class StoreSettings:
    """How B1's store is built: embedder, keys, filler episodes and their split/seed."""

    embedder: str
    keys: str
    filler: int
    split: str
    seed: int
    url: str | None = None  # a PostgreSQL database instead of an in-memory store


def oracle_memories(
    records: Sequence[Record], tokenizer: Any, cap: int, negatives: int = 0, seed: int = 0
) -> list[list[int]]:
    """What a perfect store would recall for each item (its own episode; B's original
    and update, D's near-collisions, E's transcript parts), plus up to ``negatives``
    of its distractors (hard negatives), in an order drawn per item from ``seed``."""
    memories = []
    for record in records:
        episodes = [
            *oracle_episodes(record),
            *(oracle_episodes(d)[0] for d in record["distractors"][:negatives]),
        ]
        random.Random(f"hei-nw/oracle/{seed}/{record['id']}").shuffle(episodes)
        memories.append(pack_episodes(episodes, tokenizer, cap))
    return memories


@dataclass(frozen=True)
class StoreRun:
    """B1 from a store: packed memories, the recall summary and per-item recall rows, and
    the recalled episodes themselves (what a RAG prompt built on the same recall pastes)."""

    memories: list[list[int]]
    summary: dict[str, Any]
    items: list[dict[str, Any]]
    episodes: list[list[Episode]]


def store_memories(
    records: Sequence[Record], tokenizer: Any, cap: int, k: int, store: StoreSettings
) -> StoreRun:
    """Write the run's episodes to a fresh store, recall ``k`` per question, pack in rank order.
    SQuAD runs write every passage of their half, not only the run's own."""
    embedder = make_embedder(store.embedder)
    filled = fill_store(
        records, embedder, store.filler, store.split, store.seed, store.keys, store.url
    )
    recalled = recall_for(records, filled, k)
    recalled.summary.update(embedder=embedder.name, keys=store.keys)
    memories = [pack_episodes(traces, tokenizer, cap) for traces in recalled.traces]
    return StoreRun(memories, recalled.summary, recalled.items, recalled.traces)
