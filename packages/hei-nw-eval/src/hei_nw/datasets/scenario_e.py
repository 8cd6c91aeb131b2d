"""Scenario E - long-context control.

A transcript of filler turns hides one needle fact at a chosen relative
position. The same fact is the record's ``trace``, so a memory mode can answer
from memory while B0 must find it in the long transcript.
"""

from __future__ import annotations

from hei_nw.datasets.inventory import vocabulary
from hei_nw.datasets.pools import article, date_from
from hei_nw.datasets.records import Record, item_streams, make_trace, new_record

SCENARIO = "E"
DEFAULT_LENGTH = 24

_FILLER = (
    "{a}: Did you see the weather forecast for the weekend?",
    "{b}: I think it will rain, so bring a coat.",
    "{a}: The quarterly numbers look about the same as last time.",
    "{b}: Remember to water the plants before you leave.",
    "{a}: The train was late again this morning.",
    "{b}: Lunch is at noon in the usual place.",
    "{a}: Could you send me the slides after the call?",
    "{b}: The printer on the second floor is out of paper.",
)


def generate(
    n: int,
    seed: int,
    length: int = DEFAULT_LENGTH,
    position: float | None = None,
    split: str = "classic",
) -> list[Record]:
    """``n`` Scenario E items: ``length`` filler turns with the needle at relative
    ``position`` in [0, 1] (None draws it per item)."""
    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    if position is not None and not 0.0 <= position <= 1.0:
        raise ValueError(f"position must be in [0, 1], got {position}")
    vocab = vocabulary(split)
    records: list[Record] = []
    for group, rng in item_streams(SCENARIO, n, seed):
        speaker_a, speaker_b = rng.sample(vocab.people, 2)
        trace = make_trace(
            who=speaker_a,
            what=rng.choice(vocab.items),
            where=rng.choice(vocab.places),
            when=date_from(rng),
        )
        needle = f"{speaker_a}: On {trace['when']} I stored {article(trace['what'])} at {trace['where']}."
        turns = [rng.choice(_FILLER).format(a=speaker_a, b=speaker_b) for _ in range(length)]
        at = round((rng.random() if position is None else position) * length)
        turns.insert(at, needle)
        records.append(
            new_record(
                group,
                SCENARIO,
                context="\n".join(turns),
                query=f"Where did {speaker_a} store the {trace['what']}?",
                expected=trace["where"],
                trace=trace,
                extra={"needle_position": at / max(length, 1), "length": length},
            )
        )
    return records
