"""The record shape shared by all scenarios."""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator, Sequence
from typing import Any, NotRequired, TypedDict

from hei_nw.pack import SLOTS

Trace = dict[str, str]
"""The episode as packer slots ``who/what/where/when`` (``hei_nw.pack.pack_trace`` reads these),
plus any extra fields (``with``, ``why``) the packer renders after them."""

Episode = Trace | str
"""One episode in memory: a trace, or a text (a sentence, a paragraph, a transcript part)."""


class Record(TypedDict):
    """One evaluation item.

    ``context`` is what the model is shown (B0) or must remember (memory modes);
    ``distractors`` are other episodes of the same run (``should_remember`` False)
    that long-context and RAG baselines must see past; ``memory`` is what a
    perfect store would recall for the question (:func:`oracle_episodes`: B's
    original fact and its update, D's near-collisions, E's transcript parts;
    absent means the item's own trace); ``extra`` holds scenario-specific fields
    (e.g. B's ``prior`` and control question, the generalization ``family``).
    """

    id: str
    scenario: str
    context: str
    query: str
    expected: str
    should_remember: bool
    lag: int | None
    group_id: str
    trace: Trace
    distractors: list[Record]
    memory: NotRequired[list[Episode]]
    extra: NotRequired[dict[str, Any]]


REQUIRED_FIELDS: tuple[str, ...] = (
    "id",
    "scenario",
    "context",
    "query",
    "expected",
    "should_remember",
    "lag",
    "group_id",
    "trace",
)


def make_trace(who: str = "", what: str = "", where: str = "", when: str = "") -> Trace:
    trace = {"who": who, "what": what, "where": where, "when": when}
    assert tuple(trace) == SLOTS
    return trace


def new_record(
    item_id: str,
    scenario: str,
    *,
    context: str,
    query: str,
    expected: str,
    trace: Trace,
    group_id: str | None = None,
    should_remember: bool = True,
    lag: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Record:
    """A record with the usual defaults: its own group, to be remembered, no lag,
    no distractors yet."""
    record = Record(
        id=item_id,
        scenario=scenario,
        context=context,
        query=query,
        expected=expected,
        should_remember=should_remember,
        lag=lag,
        group_id=group_id or item_id,
        trace=trace,
        distractors=[],
    )
    if extra is not None:
        record["extra"] = extra
    return record


def oracle_episodes(record: Record) -> list[Episode]:
    """What a perfect store would recall for ``record``'s question, in write order."""
    return list(record.get("memory") or [record["trace"]])


def gold_answers(record: Record) -> list[str]:
    """Every answer counted right: SQuAD items carry several, scenario items one."""
    return list(record.get("extra", {}).get("answers") or [record["expected"]])


def item_streams(scenario: str, n: int, seed: int) -> Iterator[tuple[str, random.Random]]:
    """``(item id, random stream)`` for items ``0..n-1`` of a scenario.

    Each stream depends on (scenario, seed, index) only - a string seed, hashed
    with SHA-512 by ``random``, not by the per-process ``hash()`` - which makes
    every generator deterministic and prefix-stable across sizes.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}")
    for index in range(n):
        yield f"{scenario}-{seed}-{index:05d}", random.Random(f"hei-nw/{scenario}/{seed}/{index}")


@functools.lru_cache(maxsize=16)
def _run_order(size: int, key: str) -> tuple[int, ...]:
    order = list(range(size))
    random.Random(key).shuffle(order)
    return tuple(order)


def own_entity(pool: Sequence[str], scenario: str, seed: int, index: int) -> str:
    """The entity of item ``index`` that no other item of the run shares.

    The run's own shuffle of ``pool`` is read at ``index``, so a store holding a
    whole run has exactly one trace about each entity (and items stay
    prefix-stable across sizes). A pool too small for the run is an error, not a
    silent repeat.
    """
    if index >= len(pool):
        raise ValueError(
            f"scenario {scenario} gives every item an entity of its own, but this "
            f"vocabulary has only {len(pool)}; use fewer items or a larger split (train/test)"
        )
    return pool[_run_order(len(pool), f"hei-nw/{scenario}/{seed}/entities")[index]]
