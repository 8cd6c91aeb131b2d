"""The replay queue and the order episodes are replayed in.

Each consolidation cycle replays the episodes written since the last cycle plus
a share of older ones (so what was consolidated before is refreshed, not
overwritten). Within a cycle the :class:`Scheduler` orders episodes by

* **priority** - the write gate's salience when the episode carries one (``meta
  ["salience"]``), plus recency (newer first) and a bonus for episodes replayed
  fewer times;
* **spacing** - a gradient-overlap proxy: two episodes whose rows share many
  tokens update the same embedding and output rows, so their gradients overlap
  or conflict; the next episode is the best-priority one whose token overlap
  (Jaccard) with the last ``window`` picks stays under ``max_overlap``.

``order="shuffled"`` is the control: a seeded random permutation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

ORDERS = ("priority", "shuffled")


@dataclass
class QueuedEpisode:
    """One episode in the replay queue: its id, write position, salience and token set."""

    episode_id: str
    written: int  # position in write order (higher = newer)
    salience: float = 0.0
    tokens: frozenset[int] = frozenset()
    replays: int = 0
    last_cycle: int = 0  # the queue's cycle that last consolidated it (0: never)


@dataclass(frozen=True)
class Scheduler:
    """Orders a cycle's episodes. Defaults: salience and recency weigh alike (both in
    [0, 1]); a window of 4 picks and an overlap of 0.5 space near-duplicates without
    starving a run of similar episodes (the fallback takes the least overlapping)."""

    order: str = "priority"
    salience_weight: float = 1.0
    recency_weight: float = 1.0
    novelty_weight: float = 0.5
    window: int = 4
    max_overlap: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(
                f"unknown replay order {self.order!r}; choose from {', '.join(ORDERS)}"
            )

    def priority(self, item: QueuedEpisode, newest: int, top_salience: float) -> float:
        recency = item.written / newest if newest > 0 else 1.0
        salience = item.salience / top_salience if top_salience > 0 else 0.0
        return (
            self.salience_weight * salience
            + self.recency_weight * recency
            + self.novelty_weight / (1 + item.replays)
        )

    def arrange(self, items: Sequence[QueuedEpisode], cycle: int = 0) -> list[QueuedEpisode]:
        """The cycle's replay order."""
        if self.order == "shuffled":
            shuffled = list(items)
            random.Random(f"hei-nw/replay/{self.seed}/{cycle}").shuffle(shuffled)
            return shuffled
        newest = max((i.written for i in items), default=0)
        top = max((i.salience for i in items), default=0.0)
        waiting = sorted(items, key=lambda i: (-self.priority(i, newest, top), i.written))
        picked: list[QueuedEpisode] = []
        while waiting:
            recent = picked[-self.window :]
            overlaps = [max((overlap(w, r) for r in recent), default=0.0) for w in waiting]
            spaced = [i for i, o in enumerate(overlaps) if o <= self.max_overlap]
            choice = spaced[0] if spaced else min(range(len(waiting)), key=overlaps.__getitem__)
            picked.append(waiting.pop(choice))
        return picked


def overlap(a: QueuedEpisode, b: QueuedEpisode) -> float:
    """Jaccard overlap of two episodes' token sets: the gradient-overlap proxy."""
    if not a.tokens or not b.tokens:
        return 0.0
    return len(a.tokens & b.tokens) / len(a.tokens | b.tokens)


@dataclass
class ReplayQueue:
    """Episodes waiting for replay across cycles.

    ``next_cycle`` returns every episode not yet consolidated plus up to
    ``replay_share`` x that many already-consolidated ones, and counts the replays.
    The old ones are taken least replayed first, then most salient, then the longest
    since their last replay (so a share below 1 goes round the old episodes instead
    of refreshing the newest ones again and again: the measured forgetting of the
    first cycle's episodes, documentation/consolidation.md, came with that starvation)."""

    replay_share: float = 1.0
    items: dict[str, QueuedEpisode] = field(default_factory=dict)
    cycle: int = 0

    def add(self, item: QueuedEpisode) -> None:
        self.items.setdefault(item.episode_id, item)

    def next_cycle(self) -> list[QueuedEpisode]:
        self.cycle += 1
        new = [i for i in self.items.values() if i.replays == 0]
        old = sorted(
            (i for i in self.items.values() if i.replays > 0),
            key=lambda i: (i.replays, -i.salience, i.last_cycle, i.written),
        )
        chosen = new + old[: round(self.replay_share * len(new)) if new else len(old)]
        for item in chosen:
            item.replays += 1
            item.last_cycle = self.cycle
        return chosen
