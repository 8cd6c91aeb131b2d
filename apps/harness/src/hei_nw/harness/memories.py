"""B1's memory per item: the item's own episode (oracle), recalled episodes (store), or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hei_nw.datasets import Record
from hei_nw.eval import fill_store, recall_for
from hei_nw.pack import pack_trace


def pack_traces(traces: Sequence[dict[str, Any]], tokenizer: Any, cap: int) -> list[int]:
    """Traces packed in order, concatenated, capped at ``cap`` memory tokens in all."""
    ids: list[int] = []
    for trace in traces:
        ids += pack_trace(trace, tokenizer, cap)
    return ids[:cap]


def oracle_memories(records: Sequence[Record], tokenizer: Any, cap: int) -> list[list[int]]:
    return [pack_traces([r["trace"]], tokenizer, cap) for r in records]


def store_memories(
    records: Sequence[Record],
    tokenizer: Any,
    cap: int,
    k: int,
    filler: int,
    split: str,
    seed: int,
    keys: str,
) -> tuple[list[list[int]], dict[str, Any], list[dict[str, Any]]]:
    """Write the run's episodes to a fresh store, recall ``k`` per question, pack in rank order."""
    from hei_nw.memory.minilm import MiniLMEmbedder

    store = fill_store(records, MiniLMEmbedder(), filler=filler, split=split, seed=seed, keys=keys)
    recalled = recall_for(records, store, k)
    memories = [pack_traces(traces, tokenizer, cap) for traces in recalled.traces]
    return memories, recalled.summary, recalled.items
