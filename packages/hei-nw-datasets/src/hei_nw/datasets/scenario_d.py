"""Scenario D - stress interference.

Many near-collision episodes of one schema ("On 2024-05-02, Kara Varn parked the
blue scooter at Dock 7.") differ from the target in one slot each. The query
names the target's date and person, so exactly one episode answers it;
``store_size`` sets how many near-collisions share the store (for sweeps).

Memory holds the target among its near-collisions, as a store recalling the
top :data:`RECALLED` episodes for the question would: the target and
``RECALLED - 1`` near-collisions, in a seeded order.
"""

from __future__ import annotations

import random

from hei_nw.datasets.forms import check_forms, held_out_question
from hei_nw.datasets.inventory import vocabulary
from hei_nw.datasets.pools import article, date_from, other_date, pick_other
from hei_nw.datasets.records import Record, Trace, item_streams, make_trace, new_record

SCENARIO = "D"
DEFAULT_STORE_SIZE = 8
RECALLED = 4
"""Episodes in an item's memory: the harness's default ``--recall-k``."""


def story(trace: Trace) -> str:
    return (
        f"On {trace['when']}, {trace['who']} parked {article(trace['what'])} at {trace['where']}."
    )


def _record(item_id: str, group: str, trace: Trace, keep: bool, forms: str) -> Record:
    query = (
        held_out_question(item_id, "D:where", who=trace["who"], when=trace["when"])
        if forms == "heldout"
        else f"Where did {trace['who']} park on {trace['when']}?"
    )
    return new_record(
        item_id,
        SCENARIO,
        context=story(trace),
        query=query,
        expected=trace["where"],
        trace=trace,
        group_id=group,
        should_remember=keep,
        extra={"family": {"forms": forms, "memory": "near-collisions"}},
    )


def generate(
    n: int,
    seed: int,
    store_size: int = DEFAULT_STORE_SIZE,
    split: str = "classic",
    forms: str = "train",
) -> list[Record]:
    """``n`` Scenario D items, each with ``store_size`` near-collision distractors."""
    if store_size < 0:
        raise ValueError(f"store_size must be >= 0, got {store_size}")
    check_forms(forms)
    vocab = vocabulary(split)
    records: list[Record] = []
    for group, rng in item_streams(SCENARIO, n, seed):
        target = make_trace(
            who=rng.choice(vocab.people),
            what=rng.choice(vocab.items),
            where=rng.choice(vocab.places),
            when=date_from(rng),
        )
        record = _record(group, group, target, True, forms)
        for j in range(store_size):
            # Change the person or the date (never both): same schema, one tiny change,
            # so the (who, when) cue still matches the target alone.
            near: dict[str, str] = dict(target)
            slot = rng.choice(("who", "when"))
            near[slot] = (
                pick_other(rng, vocab.people, target["who"])
                if slot == "who"
                else other_date(rng, target["when"])
            )
            near["where"] = pick_other(rng, vocab.places, target["where"])
            record["distractors"].append(
                _record(f"{group}-d{j}", group, make_trace(**near), False, forms)
            )
        memory = [target, *(d["trace"] for d in record["distractors"][: RECALLED - 1])]
        random.Random(f"hei-nw/D/memory/{group}").shuffle(memory)
        record["memory"] = list(memory)
        records.append(record)
    return records
