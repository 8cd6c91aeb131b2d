"""One vector index for the project: FAISS exact inner product, HNSW above a size.

Up to ``hnsw_threshold`` vectors the index is exact (``IndexFlatIP``); past it,
it is rebuilt once as ``IndexHNSWFlat`` (M = 32, efConstruction = 200,
efSearch = 64 by default). Deleted ids are filtered at search time (HNSW cannot
remove), over-fetching by the number of tombstones. Row ``i`` of the index is
the ``i``-th vector ever added; callers map rows to their own ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

DEFAULT_HNSW_THRESHOLD = 20_000
"""Exact search over 20k 384-d keys takes ~1-2 ms on one core; above it HNSW pays off."""


INDEXES = ("auto", "exact", "hnsw")
"""Index backends a setting can name: exact, then HNSW past the threshold (``auto``), or
one of them always."""


@dataclass(frozen=True)
class HNSWSettings:
    m: int = 32
    ef_construction: int = 200
    ef_search: int = 64


class VectorIndex:
    """Inner-product search over unit vectors; exact, then HNSW past a threshold."""

    def __init__(
        self,
        dim: int,
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        hnsw: HNSWSettings | None = None,
        force: str | None = None,
    ) -> None:
        if force not in (None, "exact", "hnsw"):
            raise ValueError(f"force must be None, 'exact' or 'hnsw', got {force!r}")
        self.dim = dim
        self.hnsw_threshold = hnsw_threshold
        self.hnsw = hnsw or HNSWSettings()
        self.force = force
        self.deleted: set[int] = set()
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._index: faiss.Index = self._new_index("hnsw" if force == "hnsw" else "exact")

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "exact"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def _new_index(self, kind: str) -> faiss.Index:
        if kind == "exact":
            return faiss.IndexFlatIP(self.dim)
        index = faiss.IndexHNSWFlat(self.dim, self.hnsw.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = self.hnsw.ef_construction
        index.hnsw.efSearch = self.hnsw.ef_search
        return index

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        self._vectors = np.concatenate([self._vectors, vectors])
        if self.kind == "exact" and self.force is None and len(self._vectors) > self.hnsw_threshold:
            self._index = self._new_index("hnsw")
            self._index.add(self._vectors)
        else:
            self._index.add(vectors)

    def remove(self, row: int) -> None:
        self.deleted.add(row)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and rows ``(Q, k')`` of the best live vectors, best first (``k' <= k``)."""
        if k <= 0:
            raise ValueError(f"k must be positive, got {k}")
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        live = len(self) - len(self.deleted)
        fetch = min(k + len(self.deleted), len(self))
        if fetch == 0 or live == 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        scores, rows = self._index.search(queries, fetch)
        width = min(k, live)
        out_scores = np.full((len(queries), width), -np.inf, dtype=np.float32)
        out_rows = np.full((len(queries), width), -1, dtype=np.int64)
        for q in range(len(queries)):
            kept = [
                (s, r)
                for s, r in zip(scores[q], rows[q], strict=True)
                if r >= 0 and r not in self.deleted
            ]
            for j, (score, row) in enumerate(kept[:width]):
                out_scores[q, j], out_rows[q, j] = score, row
        return out_scores, out_rows

    def vectors(self) -> np.ndarray:
        """Every vector added, in row order (deleted ones included)."""
        return self._vectors

    def write(self, path: str) -> None:
        faiss.write_index(self._index, path)

    def read(self, path: str, vectors: np.ndarray) -> None:
        """Adopt a saved index over ``vectors`` (must be the same rows)."""
        index = faiss.read_index(path)
        if index.ntotal != len(vectors) or index.d != self.dim:
            raise ValueError(
                f"index file holds {index.ntotal}x{index.d}, expected {len(vectors)}x{self.dim}"
            )
        self._index, self._vectors = index, np.ascontiguousarray(vectors, dtype=np.float32)
