"""Scenario B - factual hot-patch.

A fact is stated, then one update contradicts it; the query asks for the current
value (``expected`` = new value, ``extra["prior"]`` = old value). Every item also
carries an unrelated control question whose answer the update must not change.
Every item has a project of its own, so a store holding a whole run holds one
history per project and each question has exactly one right answer.

The trace records the update as an event: the new value fills a slot of its own
(a new lead is the ``who``, a new meeting room the ``where``) and ``what`` names
the change ("new lead of Project X"). An earlier layout wrote
``what: lead: <value>``, which put the answer in the middle of a slot.

Memory holds the conflict, as a store that saw both would recall it: the
original fact (``what: lead of Project X``, the old value, its date) and the
update, in the order they were written. The newer must win; a report counts
answers that give the stale value (``extra["stale"]``).
"""

from __future__ import annotations

from hei_nw.datasets.forms import check_forms, held_out_question
from hei_nw.datasets.inventory import vocabulary
from hei_nw.datasets.pools import date_from, pick_other
from hei_nw.datasets.records import Record, item_streams, make_trace, new_record, own_entity

SCENARIO = "B"

# (attribute, pool the values come from, trace slot the new value fills, question)
_ATTRIBUTES = (
    ("lead", "people", "who", "Who is the lead of {entity} now?"),
    ("meeting room", "places", "where", "Where does {entity} meet now?"),
)
_CONTROL = "Who is the sponsor of {entity}?"


def generate(n: int, seed: int, split: str = "classic", forms: str = "train") -> list[Record]:
    """``n`` Scenario B items: prior fact, contradicting update, query, control."""
    check_forms(forms)
    vocab = vocabulary(split)
    records: list[Record] = []
    for index, (group, rng) in enumerate(item_streams(SCENARIO, n, seed)):
        entity = own_entity(vocab.projects, SCENARIO, seed, index)
        attribute, pool_name, slot, template = rng.choice(_ATTRIBUTES)
        pool = getattr(vocab, pool_name)
        prior = rng.choice(pool)
        new = pick_other(rng, pool, prior)
        sponsor = pick_other(rng, vocab.people, prior, new)
        stated, updated = date_from(rng, 365), date_from(rng, 365)
        stated, updated = min(stated, updated), max(stated, updated)
        context = (
            f"On {stated}: the {attribute} of {entity} is {prior}; its sponsor is {sponsor}. "
            f"Update on {updated}: the {attribute} of {entity} is now {new}, replacing {prior}."
        )
        query = (
            held_out_question(group, f"B:{attribute}", entity=entity)
            if forms == "heldout"
            else template.format(entity=entity)
        )
        update = make_trace(**{slot: new}, what=f"new {attribute} of {entity}", when=updated)
        record = new_record(
            group,
            SCENARIO,
            context=context,
            query=query,
            expected=new,
            trace=update,
            extra={
                "subject": entity,
                "prior": prior,
                "stale": prior,
                "attribute": attribute,
                "control_query": _CONTROL.format(entity=entity),
                "control_expected": sponsor,
                "family": {"forms": forms, "memory": "original and update"},
            },
        )
        original = make_trace(**{slot: prior}, what=f"{attribute} of {entity}", when=stated)
        record["memory"] = [original, update]
        records.append(record)
    return records
