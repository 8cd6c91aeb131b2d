"""Recency among near-ties: when a fact changes, the newer note should be read first.

Hashed keys see nearly the same words in a note and its update ("the van is in bay
101" / "the van is now in bay 102"), so recall ranks them almost equally and, about
as often as not, the older first. :func:`prefer_recent` moves the newest of the
near-ties to the front: hits scoring within ``window`` of the best *and* whose keys
are at least ``similarity`` alike with the best (the same subject, not merely another
note that happens to score as well).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from hei_nw.memory.embedders import Embedder, normalize_rows
from hei_nw.memory.store import Hit


def prefer_recent(
    hits: Sequence[Hit], embedder: Embedder, window: float, similarity: float
) -> list[Hit]:
    """``hits`` (best first) with the newest near-tie of the best moved to the front;
    ranks renumbered. Newest = the highest id (ids are given in write order)."""
    if len(hits) < 2 or window <= 0:
        return list(hits)
    keys = normalize_rows(np.asarray(embedder.encode([h.text for h in hits]), dtype=np.float32))
    alike = keys @ keys[0]  # (N,) cosine of each hit's text with the best one's
    best = hits[0].score
    ties = [
        h for h, a in zip(hits, alike, strict=True) if h.score >= best - window and a >= similarity
    ]
    newest = max(ties, key=lambda h: h.id)
    ordered = [newest, *(h for h in hits if h is not newest)]
    return [replace(h, rank=rank) for rank, h in enumerate(ordered)]
