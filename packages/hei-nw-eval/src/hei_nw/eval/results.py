"""Typed per-item results: what one generation of one item produced and scored.

Every mode and baseline returns :class:`ItemResult` objects; the report turns
them into flat JSON rows at the file boundary (:meth:`ItemResult.as_row`), so
the samples file keeps one object per line with the metric names as keys, in
the lm-evaluation-harness manner. Fields a mode or baseline adds (memory
tokens, what a retriever fetched, whether the target survived a context
budget) are typed and optional: None means "this run has no such thing", and
None fields are left out of the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.metrics import ComputeRecord


@dataclass(frozen=True)
class Retrieval:
    """What a retriever fetched for one item's question."""

    ids: tuple[str, ...]
    """Ids of the fetched episodes, best first."""
    hit: float
    """1.0 when the item's own episode is among ``ids``, else 0.0 (recall@k)."""
    k: int


@dataclass(frozen=True)
class ItemResult:
    """One item's generation and scores."""

    id: str
    prompt: str
    prompt_hash: str
    prediction: str
    expected: str
    scores: dict[str, float]
    """Every metric of :data:`hei_nw.metrics.METRICS` by name."""
    latency_s: float
    """The item's batch wall time divided by the batch size."""
    prompt_tokens: int
    generated_tokens: int
    finish_reason: str
    lag: int | None
    """Episodes written after the item's target (None: the scenario has no lag)."""
    compute: ComputeRecord
    memory_token_ids: tuple[int, ...] | None = None
    memory_text: str | None = None
    target_in_context: bool | None = None
    """Long-context baseline: did the item's episode fit in the prompt's budget?"""
    retrieval: Retrieval | None = None
    """RAG baseline: what its retriever put in the prompt."""
    store_recall: dict[str, Any] | None = None
    """Episodic store: the recall record of the item's cue (ranks, hits, latency)."""

    def as_row(self) -> dict[str, Any]:
        """The flat JSON object the samples file holds for this item."""
        row: dict[str, Any] = {
            "id": self.id,
            "prompt_hash": self.prompt_hash,
            "prompt": self.prompt,
            "prediction": self.prediction,
            "expected": self.expected,
            **self.scores,
            "latency_s": self.latency_s,
            "prompt_tokens": self.prompt_tokens,
            "generated_tokens": self.generated_tokens,
            "finish_reason": self.finish_reason,
            "lag": self.lag,
            "compute": self.compute.as_dict(),
        }
        if self.memory_token_ids is not None:
            row["memory_token_ids"] = list(self.memory_token_ids)
            row["memory_text"] = self.memory_text
        if self.target_in_context is not None:
            row["target_in_context"] = self.target_in_context
        if self.retrieval is not None:
            row["retrieved"] = list(self.retrieval.ids)
            row[f"recall_at_{self.retrieval.k}"] = self.retrieval.hit
        if self.store_recall is not None:
            row["retrieval"] = self.store_recall
        return row


def as_rows(items: Sequence[ItemResult]) -> list[dict[str, Any]]:
    """The samples-file rows of ``items``, in order."""
    return [item.as_row() for item in items]
