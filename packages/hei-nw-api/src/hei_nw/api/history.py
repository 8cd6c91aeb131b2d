"""History: which note replaced which. ``remember(text, replaces=ID)`` writes a new note
that supersedes a stored one; the old note is kept (its history stays visible) but is no
longer read: recall puts the current note in its place. The links live in the new
note's provenance (``meta["supersedes"]``), so they survive restarts and compaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from hei_nw.memory import Episode, Hit

UPDATE_WORDS = re.compile(
    r"\b(?:moved|changed|now|new|no longer|instead|from now on|pushed|replac\w*|updated?|"
    r"switched|was sold)\b",
    re.IGNORECASE,
)
"""Words with which people write that something changed ("moved to", "now", "changed")."""


def detected_update(text: str, nearest: tuple[float, str] | None, similarity: float) -> str | None:
    """The stored episode ``text`` updates, if it reads as an update and its nearest
    stored episode (``(score, id)``) is at least ``similarity`` alike; else None.

    Key similarity alone cannot tell an update from another event of the same thing;
    with the update words it links 11 of 12 hand-written updates with no wrong link,
    but where many notes share one wording (scenario B) half its links go to another
    subject's note (scripts/measure_update_detection.py): opt-in, not the default."""
    if nearest is None or nearest[0] < similarity or not UPDATE_WORDS.search(text):
        return None
    return nearest[1]


class Lineage:
    """The successor of each superseded live episode, rebuilt from the episodes' meta."""

    def __init__(self, episodes: Iterable[Episode] = ()) -> None:
        self.successor: dict[str, str] = {}
        self.rebuild(episodes)

    def rebuild(self, episodes: Iterable[Episode]) -> None:
        """Links between live episodes only (a forgotten note neither replaces nor is)."""
        live = list(episodes)
        ids = {e.id for e in live}
        self.successor = {}
        for episode in live:
            self.add(episode.id, episode.meta, ids)

    def add(self, episode_id: str, meta: Mapping[str, Any], live: set[str] | None = None) -> None:
        old = meta.get("supersedes")
        if isinstance(old, str) and (live is None or old in live):
            self.successor[old] = episode_id

    def current(self, episode_id: str) -> str:
        """The newest episode in ``episode_id``'s line (itself when nothing replaced it)."""
        seen = {episode_id}
        while episode_id in self.successor and self.successor[episode_id] not in seen:
            episode_id = self.successor[episode_id]
            seen.add(episode_id)
        return episode_id

    def line(self, episode_id: str) -> list[str]:
        """Every episode in ``episode_id``'s line, oldest first."""
        predecessor = {new: old for old, new in self.successor.items()}
        first, seen = episode_id, {episode_id}
        while first in predecessor and predecessor[first] not in seen:
            first = predecessor[first]
            seen.add(first)
        line = [first]
        while line[-1] in self.successor and self.successor[line[-1]] not in line:
            line.append(self.successor[line[-1]])
        return line


def read_current(
    hits: list[Hit], lineage: Lineage, get: Callable[[str], Episode]
) -> tuple[list[Hit], list[str]]:
    """``hits`` with each superseded episode replaced by the current one of its line (at
    its rank and score, once), and the ids that were replaced (``get`` looks one up)."""
    kept: list[Hit] = []
    replaced: list[str] = []
    for hit in hits:
        current = lineage.current(hit.id)
        if current != hit.id:
            replaced.append(hit.id)
            episode = get(current)
            hit = replace(
                hit, id=current, trace=episode.trace, text=episode.text, meta=episode.meta
            )
        if all(h.id != hit.id for h in kept):
            kept.append(hit)
    return [replace(h, rank=rank) for rank, h in enumerate(kept)], replaced
