"""What a store gives back: stored episodes, recalled hits, and the ids they carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Hit:
    """One recalled episode, ranked (0 = best). A text episode's ``trace`` is empty."""

    id: str
    trace: dict[str, Any]
    text: str
    score: float
    rank: int
    meta: dict[str, Any] = field(default_factory=dict)


def episode_id(row: int) -> str:
    """The id a store gives its ``row``-th write (ids are never reused after a delete)."""
    return f"ep-{row:08d}"


def id_number(episode_id: str) -> int:
    """The write number inside an id ``ep-00000012`` (12)."""
    return int(episode_id.rsplit("-", 1)[-1])


@dataclass(frozen=True)
class Episode:
    """One stored episode: a trace (slots) or a text (``trace`` empty), and its provenance."""

    id: str
    trace: dict[str, Any]
    text: str
    meta: dict[str, Any]
