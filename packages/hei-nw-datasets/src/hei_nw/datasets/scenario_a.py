"""Scenario A - episodic one-shot memory with partial cues.

Each item is a single-exposure story ("On 2025-09-10, Dana Varn left a red
backpack at Café Lumen.") and a query that names some of the other slots and
asks for one (who / what / where / when). Hard negatives are distractor
episodes sharing at least two slots with the target but differing in the asked
slot; none matches the target on every slot the query names, so the cue always
identifies the target uniquely.

Generalization variants (:mod:`hei_nw.datasets.forms`, :mod:`~hei_nw.datasets.values`):
the question in a held-out form, slot values in a held-out format, the episode
in memory as a plain sentence or inside a short paragraph of several facts
instead of the slot template, and extra fields (``with``, ``why``) asked for.
Variants draw from streams of the item's own, so the plain item (training's
forms, plain values, template, four slots) is exactly the published one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hei_nw.datasets.forms import check_forms, held_out_question
from hei_nw.datasets.inventory import Vocabulary, vocabulary
from hei_nw.datasets.pools import article, date_from, other_date, pick_other
from hei_nw.datasets.records import Episode, Record, Trace, item_streams, make_trace, new_record
from hei_nw.datasets.values import PLAIN, check_values, format_for, rewrite

RENDERS = ("template", "sentence", "paragraph")
"""How an episode sits in memory: slot template, one plain sentence, a paragraph of facts."""
FIELDS = ("slots", "extra")
"""``extra``: episodes also carry ``with`` and ``why``, and questions ask for those."""
EXTRA_FIELDS = ("with", "why")
_REASONS = ("fair", "audit", "recital", "trip", "workshop")

SCENARIO = "A"
ASKABLE = ("who", "what", "where", "when")
# Items once drew a lag here that nothing used; lag now comes from the run's write
# order (hei_nw.datasets.lag). The draw stays so every item keeps its content.
_RETIRED_LAG_DRAW = (0, 1, 3, 7, 30)

_QUESTION = {
    "who": "Who left the {what}{where_part}{when_part}?",
    "what": "What did {who} leave{where_part}{when_part}?",
    "where": "Where did {who} leave the {what}{when_part}?",
    "when": "When did {who} leave the {what}{where_part}?",
    "with": "Who was with {who} when they left the {what}{where_part}{when_part}?",
    "why": "Why did {who} leave the {what}{where_part}{when_part}?",
}


def story(trace: Trace) -> str:
    company = f" with {trace['with']}, {trace['why']}" if "with" in trace else ""
    return (
        f"On {trace['when']}, {trace['who']} left {article(trace['what'])} "
        f"at {trace['where']}{company}."
    )


def question(
    trace: Trace, asked: str, cue: Sequence[str], item_id: str = "", forms: str = "train"
) -> str:
    """A question naming only the ``cue`` slots (the template needs who/what), in a
    training form or, with ``forms="heldout"``, a held-out one."""
    parts = {
        "who": trace["who"] if "who" in cue else "someone",
        "what": trace["what"] if "what" in cue else "item",
        "where_part": f" at {trace['where']}" if "where" in cue else "",
        "when_part": f" on {trace['when']}" if "when" in cue else "",
    }
    if forms == "heldout":
        return held_out_question(item_id, f"A:{asked}", **parts)
    return _QUESTION[asked].format(**parts)


def memory_episodes(
    trace: Trace, render: str, rng: random.Random, vocab: Vocabulary
) -> list[Episode]:
    """The episode as memory holds it in rendering ``render``."""
    if render == "template":
        return [trace]
    if render == "sentence":
        return [story(trace)]
    # A paragraph: the fact among two others of the same kind, in a seeded order.
    facts = [story(trace), *(story(_random_trace(rng, vocab)) for _ in range(2))]
    rng.shuffle(facts)
    return ["Notes from the front desk. " + " ".join(facts)]


def _random_trace(rng: random.Random, vocab: Vocabulary) -> Trace:
    return make_trace(
        who=rng.choice(vocab.people),
        what=rng.choice(vocab.items),
        where=rng.choice(vocab.places),
        when=date_from(rng),
    )


def _reason(rng: random.Random, vocab: Vocabulary) -> str:
    """A ``why`` value: "for the Tessar fair"."""
    return f"for the {rng.choice(vocab.places).split(' ', 1)[1]} {rng.choice(_REASONS)}"


def _other_value(rng: random.Random, slot: str, trace: Trace, vocab: Vocabulary) -> str:
    if slot == "when":
        return other_date(rng, trace["when"])
    if slot == "why":
        while (reason := _reason(rng, vocab)) == trace["why"]:
            pass
        return reason
    pools = {"who": vocab.people, "with": vocab.people, "what": vocab.items, "where": vocab.places}
    return pick_other(rng, pools[slot], trace[slot])


def _hard_negative(
    rng: random.Random, target: Trace, asked: str, cue: Sequence[str], vocab: Vocabulary
) -> Trace:
    """Shares >= 2 slots with ``target``, differs in ``asked`` and in >= 1 cue slot."""
    changed = {asked, rng.choice(list(cue))}
    shared = [s for s in ASKABLE if s not in changed]
    if len(shared) < 2:  # cue of one slot: keep every other slot
        changed = {asked, *cue}
    negative: dict[str, str] = dict(target)
    for slot in (*ASKABLE, *EXTRA_FIELDS):  # fixed order: set order varies with PYTHONHASHSEED
        if slot in changed:
            negative[slot] = _other_value(rng, slot, target, vocab)
    return negative


def _cue_for(rng: random.Random, asked: str) -> tuple[str, ...]:
    """Two of the three other slots, always naming who or what (the question needs one)."""
    others = [s for s in ASKABLE if s != asked]
    while True:
        cue = tuple(sorted(rng.sample(others, 2), key=ASKABLE.index))
        if asked in ("who", "what") or {"who", "what"} & set(cue):
            return cue


def _variant(
    item_id: str,
    target: Trace,
    asked: str,
    cue: tuple[str, ...],
    values: str,
    fields: str,
    vocab: Vocabulary,
) -> tuple[Trace, str, tuple[str, ...]]:
    """The item's trace, asked slot and cue under a value format and extra fields.

    A held-out format rewrites some slots; the question then asks one of those
    (an item asking an untouched slot would not test the format). With extra
    fields the question asks ``with`` or ``why``, naming who and what.
    """
    rng = random.Random(f"hei-nw/variant/{item_id}")
    changes = rewrite(values, item_id, vocab)
    target = {**target, **changes}
    if changes:
        asked = rng.choice(sorted(changes, key=ASKABLE.index))
        cue = _cue_for(rng, asked)
    if fields == "extra":
        target["with"] = pick_other(rng, vocab.people, target["who"])
        target["why"] = _reason(rng, vocab)
        asked = rng.choice(EXTRA_FIELDS)
        cue = ("who", "what")
    return target, asked, cue


def _record(
    item_id: str,
    group: str,
    trace: Trace,
    asked: str,
    cue: Sequence[str],
    keep: bool,
    family: dict[str, str],
    vocab: Vocabulary,
) -> Record:
    render_rng = random.Random(f"hei-nw/render/{item_id}")
    record = new_record(
        item_id,
        SCENARIO,
        context=story(trace),
        query=question(trace, asked, cue, item_id, family["forms"]),
        expected=trace[asked],
        trace=trace,
        group_id=group,
        should_remember=keep,
        extra={"asked": asked, "cue": list(cue), "family": family},
    )
    if family["render"] != "template":
        record["memory"] = memory_episodes(trace, family["render"], render_rng, vocab)
    return record


def generate(
    n: int,
    seed: int,
    confounders_ratio: float = 1.0,
    hard_negative: bool = True,
    split: str = "classic",
    forms: str = "train",
    values: str = PLAIN,
    render: str = "template",
    fields: str = "slots",
) -> list[Record]:
    """``n`` Scenario A items; each carries ``confounders_ratio`` distractors on
    average (the fractional part is drawn per item). ``split`` picks the
    vocabulary (:func:`hei_nw.datasets.inventory.vocabulary`); ``forms``,
    ``values``, ``render`` and ``fields`` pick the generalization variant."""
    vocab = vocabulary(split)
    if confounders_ratio < 0:
        raise ValueError(f"confounders_ratio must be >= 0, got {confounders_ratio}")
    check_forms(forms)
    check_values(values)
    if render not in RENDERS:
        raise ValueError(f"unknown rendering {render!r}; choose from {', '.join(RENDERS)}")
    if fields not in FIELDS:
        raise ValueError(f"unknown fields {fields!r}; choose from {', '.join(FIELDS)}")
    records: list[Record] = []
    for index, (group, rng) in enumerate(item_streams(SCENARIO, n, seed)):
        target = _random_trace(rng, vocab)
        asked = rng.choice(ASKABLE)
        cue = _cue_for(rng, asked)
        rng.choice(_RETIRED_LAG_DRAW)  # kept so items stay as published (see its comment)
        fmt = format_for(values, index)
        target, asked, cue = _variant(group, target, asked, cue, fmt, fields, vocab)
        family = {"forms": forms, "values": fmt, "render": render, "fields": fields}
        record = _record(group, group, target, asked, cue, True, family, vocab)
        count = int(confounders_ratio) + (rng.random() < confounders_ratio % 1)
        for j in range(count):
            negative = (
                _hard_negative(rng, target, asked, cue, vocab)
                if hard_negative
                else _random_trace(rng, vocab)
            )
            if not hard_negative and fields == "extra":  # an unrelated episode has its own
                negative["with"] = pick_other(rng, vocab.people, negative["who"])
                negative["why"] = _reason(rng, vocab)
            record["distractors"].append(
                _record(f"{group}-d{j}", group, negative, asked, cue, False, family, vocab)
            )
        records.append(record)
    return records
