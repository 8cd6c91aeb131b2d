"""Scenario E - long-context control.

A transcript of filler turns hides one needle fact at a chosen relative
position. The same fact is the record's ``trace``; memory holds the transcript
itself, cut into parts of :data:`TURNS_PER_EPISODE` turns (each part one text
episode), as a store recalling the top :data:`RECALLED` parts would: the part
holding the needle and other parts of the same transcript, in transcript order.
B0 must find the needle in the whole transcript.
"""

from __future__ import annotations

import random

from hei_nw.datasets.forms import check_forms, held_out_question
from hei_nw.datasets.inventory import vocabulary
from hei_nw.datasets.pools import article, date_from
from hei_nw.datasets.records import Episode, Record, item_streams, make_trace, new_record

SCENARIO = "E"
DEFAULT_LENGTH = 24
TURNS_PER_EPISODE = 3
RECALLED = 4
"""Transcript parts in an item's memory: the harness's default ``--recall-k``."""

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
    forms: str = "train",
) -> list[Record]:
    """``n`` Scenario E items: ``length`` filler turns with the needle at relative
    ``position`` in [0, 1] (None draws it per item)."""
    check_forms(forms)
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
        query = (
            held_out_question(group, "E:where", who=speaker_a, what=trace["what"])
            if forms == "heldout"
            else f"Where did {speaker_a} store the {trace['what']}?"
        )
        record = new_record(
            group,
            SCENARIO,
            context="\n".join(turns),
            query=query,
            expected=trace["where"],
            trace=trace,
            extra={
                "needle_position": at / max(length, 1),
                "length": length,
                "family": {"forms": forms, "memory": "transcript parts"},
            },
        )
        record["memory"] = list[Episode](transcript_parts(turns, at, f"hei-nw/E/memory/{group}"))
        records.append(record)
    return records


def transcript_parts(turns: list[str], needle_at: int, key: str) -> list[str]:
    """The needle's part of the transcript and up to ``RECALLED - 1`` other parts
    (drawn from the stream ``key``), each part ``TURNS_PER_EPISODE`` turns, in order."""
    parts = [
        "\n".join(turns[i : i + TURNS_PER_EPISODE]) for i in range(0, len(turns), TURNS_PER_EPISODE)
    ]
    own = needle_at // TURNS_PER_EPISODE
    others = [i for i in range(len(parts)) if i != own]
    chosen = sorted([own, *random.Random(key).sample(others, min(RECALLED - 1, len(others)))])
    return [parts[i] for i in chosen]
