"""RAG baseline: retrieve episodes by embedding similarity, then prompt with them.

The embedder (all-MiniLM-L6-v2 by default) and the index are the episodic
store's own (:mod:`hei_nw.memory`): one embedder class and one index
implementation in the project. The index is an exact inner-product top-k over
every episode of the run, targets and distractors alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from hei_nw.datasets import Episode, Record
from hei_nw.eval.prompts import build_prompt
from hei_nw.eval.results import ItemResult, Retrieval
from hei_nw.eval.runner import GenerationSettings, run_generation
from hei_nw.memory import Embedder, VectorIndex, normalize_rows
from hei_nw.memory import render_text as trace_text
from hei_nw.memory.minilm import MiniLMEmbedder
from hei_nw.metrics import ModelGeometry, recall_at_k


@dataclass(frozen=True)
class RagResult:
    """Per-item results (with the retrieved ids) and recall@k over the run."""

    items: list[ItemResult]
    recall_at_k: float
    k: int


def episodes(records: Sequence[Record]) -> dict[str, str]:
    """Every episode of the run by id: targets and their distractors."""
    store = {}
    for record in records:
        store[record["id"]] = record["context"]
        for distractor in record["distractors"]:
            store[distractor["id"]] = distractor["context"]
    return store


def retrieve(records: Sequence[Record], embedder: Embedder, k: int) -> list[list[str]]:
    """Top-k episode ids for each record's query (exact search)."""
    store = episodes(records)
    ids = list(store)
    index = VectorIndex(embedder.dim, force="exact")
    index.add(normalize_rows(embedder.encode(list(store.values()))))
    _, rows = index.search(normalize_rows(embedder.encode([r["query"] for r in records])), k)
    return [[ids[int(j)] for j in row if j >= 0] for row in rows]


def run_rag(
    model: Any,
    tokenizer: Any,
    records: Sequence[Record],
    embedder: Embedder | None = None,
    k: int = 5,
    settings: GenerationSettings | None = None,
    geometry: ModelGeometry | None = None,
    batch_size: int = 1,
) -> RagResult:
    """Retrieve ``k`` episodes per query, prompt with them, generate and score."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    embedder = embedder or MiniLMEmbedder()
    settings = settings or GenerationSettings()
    geometry = geometry or ModelGeometry.from_config(model.config, next(model.parameters()).dtype)
    store = episodes(records)
    retrieved = retrieve(records, embedder, k)
    prompts = [
        build_prompt(r["query"], "\n".join(store[i] for i in ids))
        for r, ids in zip(records, retrieved, strict=True)
    ]
    items = run_generation(model, tokenizer, records, prompts, settings, geometry, batch_size)
    hits = [recall_at_k(ids, r["id"], k) for r, ids in zip(records, retrieved, strict=True)]
    items = [
        replace(item, retrieval=Retrieval(ids=tuple(ids), hit=hit, k=k))
        for item, ids, hit in zip(items, retrieved, hits, strict=True)
    ]
    return RagResult(items=items, recall_at_k=sum(hits) / len(hits) if hits else 0.0, k=k)


def run_recalled_rag(
    model: Any,
    tokenizer: Any,
    records: Sequence[Record],
    recalled: Sequence[Sequence[Episode]],
    settings: GenerationSettings,
    geometry: ModelGeometry,
    batch_size: int = 1,
    on_item: Callable[[ItemResult], None] | None = None,
) -> list[ItemResult]:
    """RAG on exactly what the store recalled for B1: the same episodes, pasted into the
    prompt as notes (traces as their slot text) - memory and RAG side by side."""
    prompts = [
        build_prompt(
            r["query"], "\n\n".join(e if isinstance(e, str) else trace_text(e) for e in episodes)
        )
        for r, episodes in zip(records, recalled, strict=True)
    ]
    return run_generation(
        model, tokenizer, records, prompts, settings, geometry, batch_size, on_item
    )
