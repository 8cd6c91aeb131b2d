"""Labelled text streams for the write gate: what should be remembered, and what not.

A stream is what a memory would hear: mostly routine text, now and then an
episode worth keeping. Each :class:`Segment` is one candidate for the gate,
labelled by whether a question *after the stream* needs it:

* ``episode`` - a new scenario-A fact (held-out vocabulary); **positive** when a
  later question asks about it, negative when nothing ever does (``unasked``);
* ``pinned`` - the user says "remember this" (``pin``); positive, asked later;
* ``rewarded`` - an event the caller marks as mattering (``reward`` 1); positive;
* ``smalltalk`` - routine chatter (a pool of sentences); negative;
* ``restatement`` - an earlier fact said again in other words; negative (the
  original already holds it);
* ``near-duplicate`` - an earlier fact repeated with a trivial change; negative;
* ``own-answer`` - text the system itself produced (``own``); negative - and
  never to be written back, whatever it scores.

Positives are rare by construction (``routine`` segments per positive, about
3-5 positives per 1,000 tokens). Every stream is a pure function of its seed and
vocabulary split; a training stream and a test stream use different seeds and
splits (train/dev vs test), so calibration never sees the test vocabulary.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from hei_nw.datasets.records import Record
from hei_nw.datasets.scenario_a import generate as scenario_a

SEGMENT_KINDS = (
    "episode",
    "unasked",
    "pinned",
    "rewarded",
    "smalltalk",
    "restatement",
    "near-duplicate",
    "own-answer",
)

SMALLTALK = (
    "Thanks, that sounds good to me.",
    "The weather is grey again today, isn't it?",
    "Let me check my calendar and get back to you.",
    "I had coffee a bit too late this afternoon.",
    "Sure, no rush on that one.",
    "Can you hear me all right? The line keeps dropping.",
    "Okay, moving on to the next point then.",
    "Ha, that reminds me of last week.",
    "I think we covered most of it already.",
    "Give me a second, I'm finding the document.",
    "Traffic was terrible on the way in this morning.",
    "Sounds fair. Let's see how it goes.",
    "I'll be quick, I have another call at four.",
    "Did everyone get the invite for Friday?",
    "Honestly, I'm looking forward to the weekend.",
    "Right, right. That makes sense.",
    "Could you share your screen for a moment?",
    "Lunch was good today, the soup especially.",
    "We can pick this up again tomorrow if needed.",
    "Nothing new on my side, to be honest.",
    "I'm still catching up on email after the holiday.",
    "Yes, I saw that message too.",
    "That's a good question, I'm not sure.",
    "Let's not overthink it.",
)
"""Routine chatter: no entity of any vocabulary, nothing a later question needs."""


@dataclass(frozen=True)
class Segment:
    """One candidate for the gate: its text, kind, label and the caller's signals."""

    text: str
    kind: str
    label: bool  # a later question needs it
    pin: bool = False
    reward: float = 0.0
    own: bool = False  # the system produced this text
    fact: str = ""  # id of the scenario item this segment is about ("" for chatter)


@dataclass(frozen=True)
class Stream:
    """The segments in order, and the questions asked after them (scenario-A records)."""

    segments: list[Segment]
    questions: list[Record] = field(default_factory=list)


def make_stream(
    facts: int,
    seed: int,
    split: str = "test",
    routine: int = 10,
    unasked_share: float = 0.25,
) -> Stream:
    """A stream around ``facts`` scenario-A facts of ``split``'s vocabulary.

    Of the facts, ``unasked_share`` are never asked (novel but unneeded); of the
    asked ones, one in six arrives pinned and one in six rewarded. Each fact is
    followed by ``routine`` +- 3 routine segments: chatter, and with some chance a
    restatement or near-duplicate of an earlier fact or one of the system's own
    answers about it.
    """
    if facts <= 0:
        raise ValueError(f"a stream needs at least one fact, got {facts}")
    rng = random.Random(f"hei-nw/stream/{seed}/{split}")
    records = scenario_a(facts, seed, split=split, forms="heldout")
    segments: list[Segment] = []
    questions: list[Record] = []
    seen: list[Record] = []
    for index, record in enumerate(records):
        segments.append(_fact_segment(record, index, rng, unasked_share))
        if segments[-1].label:
            questions.append(record)
        seen.append(record)
        for _ in range(max(1, routine + rng.randint(-3, 3))):
            segments.append(_routine_segment(seen, rng))
    return Stream(segments, questions)


def _fact_segment(record: Record, index: int, rng: random.Random, unasked_share: float) -> Segment:
    text = record["context"]
    if rng.random() < unasked_share:
        return Segment(text, "unasked", False, fact=record["id"])
    roll = index % 6
    if roll == 0:
        return Segment(f"Please remember this: {text}", "pinned", True, pin=True, fact=record["id"])
    if roll == 3:
        return Segment(text, "rewarded", True, reward=1.0, fact=record["id"])
    return Segment(text, "episode", True, fact=record["id"])


def _routine_segment(seen: list[Record], rng: random.Random) -> Segment:
    roll = rng.random()
    if roll < 0.75 or not seen:
        return Segment(rng.choice(SMALLTALK), "smalltalk", False)
    earlier = rng.choice(seen)
    trace, fact = earlier["trace"], earlier["id"]
    who, what, where, when = (str(trace[s]) for s in ("who", "what", "where", "when"))
    if roll < 0.85:
        text = f"As I said before, it was {who} who dropped the {what} off at {where}."
        return Segment(text, "restatement", False, fact=fact)
    if roll < 0.93:
        text = f"On {when}, {who} left a {what} at {where}!"
        return Segment(text, "near-duplicate", False, fact=fact)
    text = f"The {what} was left at {where} by {who}, on {when}."
    return Segment(text, "own-answer", False, own=True, fact=fact)
