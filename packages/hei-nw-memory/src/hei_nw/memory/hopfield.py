"""Modern-Hopfield completion of a partial cue (Ramsauer et al. 2020's update rule).

One step maps a query ``xi`` to ``normalize(X^T softmax(beta * X xi))``: a soft
average of the stored patterns ``X`` weighted by their similarity, i.e. a move
towards the attractor of the best-matching episode. Applied to a store's top
candidates, it re-ranks them by similarity to the completed cue.
"""

from __future__ import annotations

import numpy as np

from hei_nw.memory.embedders import normalize_rows


def complete(
    query: np.ndarray, patterns: np.ndarray, beta: float = 8.0, steps: int = 1
) -> np.ndarray:
    """Complete ``query`` ``(d,)`` against ``patterns`` ``(n, d)`` for ``steps`` updates."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if beta <= 0:
        raise ValueError(f"beta must be positive, got {beta}")
    xi = normalize_rows(query.reshape(1, -1))[0]
    for _ in range(steps):
        scores = beta * (patterns @ xi)  # (n,)
        weights = np.exp(scores - scores.max())
        weights /= weights.sum()
        xi = normalize_rows((weights @ patterns).reshape(1, -1))[0]
    completed: np.ndarray = xi
    return completed


def rerank(
    query: np.ndarray, candidates: np.ndarray, beta: float = 8.0, steps: int = 1
) -> np.ndarray:
    """Scores of ``candidates`` ``(n, d)`` against the completed ``query``."""
    if len(candidates) == 0:
        return np.zeros(0, dtype=np.float32)
    completed = complete(query, candidates, beta, steps)
    scores: np.ndarray = (candidates @ completed).astype(np.float32)
    return scores
