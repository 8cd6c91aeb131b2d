"""Lag: how many other episodes were written between an item's episode and its question.

A run writes its episodes in one order - item by item, each item's target and
distractors in an order fixed by the item's id, so the target is not always
first - and asks every question after the last write. An item's lag is the
number of episodes written after its target: in the long-context baseline that
many episodes stand between the target and the question in the prompt, and in a
store that many writes come after it. Lag therefore depends on the run's size
and the item's place in it, as it would for a real user.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hei_nw.datasets.records import Record

DEFAULT_LAG_BINS = (0, 1, 4, 16, 64, 256)
"""Bin edges for per-lag metrics: ``[0]``, ``[1, 3]``, ``[4, 15]``, ... ``256+``."""


def item_episodes(record: Record) -> list[Record]:
    """The item's target and distractors in the order they are written."""
    episodes = [record, *record["distractors"]]
    random.Random(record["id"]).shuffle(episodes)
    return episodes


def write_order(records: Sequence[Record]) -> list[Record]:
    """Every episode of the run (targets and distractors), in write order."""
    return [episode for record in records for episode in item_episodes(record)]


def assign_lags(records: Sequence[Record]) -> None:
    """Set each item's ``lag`` to the number of episodes written after its target
    (distractors, never asked about, get ``None``)."""
    remaining = sum(1 + len(record["distractors"]) for record in records)
    for record in records:
        episodes = item_episodes(record)
        position = next(i for i, episode in enumerate(episodes) if episode is record)
        record["lag"] = remaining - position - 1
        for distractor in record["distractors"]:
            distractor["lag"] = None
        remaining -= len(episodes)
