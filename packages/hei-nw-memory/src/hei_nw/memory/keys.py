"""Keys: how an embedding becomes the vector the index stores and searches.

* :class:`DenseKeyer` - the unit embedding itself.
* :class:`DGKeyer` - the dentate-gyrus keyer of the HEI-NW design: a fixed random
  projection to a wide space, k-winners-take-all, L2 normalisation. Sparse wide
  codes separate similar inputs (pattern separation); whether that helps recall
  from *partial* cues is measured, not assumed (``scripts/bench_memory.py``).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from hei_nw.memory.embedders import normalize_rows


class Keyer(Protocol):
    """Embeddings ``(n, d_in)`` -> keys ``(n, dim)``, unit length."""

    @property
    def dim(self) -> int: ...

    def keys(self, embeddings: np.ndarray) -> np.ndarray: ...

    def config(self) -> dict[str, Any]: ...


class DenseKeyer:
    """Keys are the normalised embeddings."""

    def __init__(self, input_dim: int) -> None:
        self._dim = input_dim

    @property
    def dim(self) -> int:
        return self._dim

    def keys(self, embeddings: np.ndarray) -> np.ndarray:
        return normalize_rows(embeddings)

    def config(self) -> dict[str, Any]:
        return {"kind": "dense", "input_dim": self._dim}


class DGKeyer:
    """Random projection to ``width`` dimensions, keep the ``k`` largest, L2-normalise.

    Defaults (2048 wide, 64 winners = 3% active) follow the design's sparse code;
    the projection is a fixed Gaussian matrix from ``seed``, so keys are stable
    across processes and reloads.
    """

    def __init__(self, input_dim: int, width: int = 2048, k: int = 64, seed: int = 0) -> None:
        if not 0 < k <= width:
            raise ValueError(f"need 0 < k <= width, got k={k}, width={width}")
        self.input_dim, self.width, self.k, self.seed = input_dim, width, k, seed
        rng = np.random.default_rng(seed)
        self.projection = rng.standard_normal((input_dim, width)).astype(np.float32) / np.sqrt(
            input_dim
        )

    @property
    def dim(self) -> int:
        return self.width

    def keys(self, embeddings: np.ndarray) -> np.ndarray:
        projected = normalize_rows(embeddings) @ self.projection  # (n, width)
        winners = np.argpartition(-projected, self.k - 1, axis=1)[:, : self.k]  # (n, k)
        sparse = np.zeros_like(projected)
        rows = np.arange(projected.shape[0])[:, None]
        sparse[rows, winners] = projected[rows, winners]
        return normalize_rows(sparse)

    def config(self) -> dict[str, Any]:
        return {
            "kind": "dg",
            "input_dim": self.input_dim,
            "width": self.width,
            "k": self.k,
            "seed": self.seed,
        }


def keyer_from_config(config: dict[str, Any]) -> Keyer:
    """Rebuild the keyer a store was created with."""
    if config.get("kind") == "dense":
        return DenseKeyer(int(config["input_dim"]))
    if config.get("kind") == "dg":
        return DGKeyer(
            int(config["input_dim"]), int(config["width"]), int(config["k"]), int(config["seed"])
        )
    raise ValueError(f"unknown keyer {config.get('kind')!r}")


def make_keyer(kind: str, input_dim: int) -> Keyer:
    """``"dense"`` or ``"dg"`` with its default settings."""
    if kind == "dense":
        return DenseKeyer(input_dim)
    if kind == "dg":
        return DGKeyer(input_dim)
    raise ValueError(f"unknown key kind {kind!r}; use dense or dg")
