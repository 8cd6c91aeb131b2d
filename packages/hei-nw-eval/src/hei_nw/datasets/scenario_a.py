"""Scenario A - episodic one-shot memory with partial cues.

Each item is a single-exposure story ("On 2025-09-10, Dana Varn left a red
backpack at Café Lumen.") and a query that names some of the other slots and
asks for one (who / what / where / when). Hard negatives are distractor
episodes sharing at least two slots with the target but differing in the asked
slot; none matches the target on every slot the query names, so the cue always
identifies the target uniquely.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hei_nw.datasets.inventory import Vocabulary, vocabulary
from hei_nw.datasets.pools import article, date_from, other_date, pick_other
from hei_nw.datasets.records import Record, Trace, item_streams, make_trace, new_record

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
}


def story(trace: Trace) -> str:
    return f"On {trace['when']}, {trace['who']} left {article(trace['what'])} at {trace['where']}."


def question(trace: Trace, asked: str, cue: Sequence[str]) -> str:
    """A question naming only the ``cue`` slots (the template needs who/what)."""
    parts = {
        "who": trace["who"] if "who" in cue else "someone",
        "what": trace["what"] if "what" in cue else "item",
        "where_part": f" at {trace['where']}" if "where" in cue else "",
        "when_part": f" on {trace['when']}" if "when" in cue else "",
    }
    return _QUESTION[asked].format(**parts)


def _random_trace(rng: random.Random, vocab: Vocabulary) -> Trace:
    return make_trace(
        who=rng.choice(vocab.people),
        what=rng.choice(vocab.items),
        where=rng.choice(vocab.places),
        when=date_from(rng),
    )


def _other_value(rng: random.Random, slot: str, trace: Trace, vocab: Vocabulary) -> str:
    if slot == "when":
        return other_date(rng, trace["when"])
    pools = {"who": vocab.people, "what": vocab.items, "where": vocab.places}
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
    for slot in ASKABLE:  # fixed order: set order varies with PYTHONHASHSEED
        if slot in changed:
            negative[slot] = _other_value(rng, slot, target, vocab)
    return make_trace(**negative)


def _cue_for(rng: random.Random, asked: str) -> tuple[str, ...]:
    """Two of the three other slots, always naming who or what (the question needs one)."""
    others = [s for s in ASKABLE if s != asked]
    while True:
        cue = tuple(sorted(rng.sample(others, 2), key=ASKABLE.index))
        if asked in ("who", "what") or {"who", "what"} & set(cue):
            return cue


def _record(
    item_id: str, group: str, trace: Trace, asked: str, cue: Sequence[str], keep: bool
) -> Record:
    return new_record(
        item_id,
        SCENARIO,
        context=story(trace),
        query=question(trace, asked, cue),
        expected=trace[asked],
        trace=trace,
        group_id=group,
        should_remember=keep,
        extra={"asked": asked, "cue": list(cue)},
    )


def generate(
    n: int,
    seed: int,
    confounders_ratio: float = 1.0,
    hard_negative: bool = True,
    split: str = "classic",
) -> list[Record]:
    """``n`` Scenario A items; each carries ``confounders_ratio`` distractors on
    average (the fractional part is drawn per item). ``split`` picks the
    vocabulary (:func:`hei_nw.datasets.inventory.vocabulary`)."""
    vocab = vocabulary(split)
    if confounders_ratio < 0:
        raise ValueError(f"confounders_ratio must be >= 0, got {confounders_ratio}")
    records: list[Record] = []
    for group, rng in item_streams(SCENARIO, n, seed):
        target = _random_trace(rng, vocab)
        asked = rng.choice(ASKABLE)
        cue = _cue_for(rng, asked)
        rng.choice(_RETIRED_LAG_DRAW)  # kept so items stay as published (see its comment)
        record = _record(f"{group}", group, target, asked, cue, keep=True)
        count = int(confounders_ratio) + (rng.random() < confounders_ratio % 1)
        for j in range(count):
            negative = (
                _hard_negative(rng, target, asked, cue, vocab)
                if hard_negative
                else _random_trace(rng, vocab)
            )
            record["distractors"].append(
                _record(f"{group}-d{j}", group, negative, asked, cue, keep=False)
            )
        records.append(record)
    return records
