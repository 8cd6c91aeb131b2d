"""Question forms split in two: the forms training uses, and held-out forms it never sees.

Each scenario's generator writes its question in a *training form* (the
wording the shipped reader was trained on). With ``forms="heldout"`` the same
item is asked in a form from :data:`HELD_OUT` instead: other wording, other word
order, other question words, imperatives, the cue in another place. No training
row ever uses a held-out form (``tests`` check the literal wording against the
trainer's examples), so a reader that only parses the training templates fails
here while one that reads the question does not.

A form is a ``str.format`` template over the item's own fields; which form an
item gets is drawn from a stream of its own (``hei-nw/forms/<item id>``), so an
item's content is the same whichever form it is asked in.
"""

from __future__ import annotations

import random

FORMS = ("train", "heldout")

HELD_OUT: dict[str, tuple[str, ...]] = {
    # Scenario A: one entry per asked slot; ``{where_part}``/``{when_part}`` carry the cue.
    "A:who": (
        "Tell me the name of the person who left the {what}{where_part}{when_part}.",
        "The {what} was left{where_part}{when_part} by whom?",
        "Name whoever dropped off the {what}{where_part}{when_part}.",
    ),
    "A:what": (
        "{who} left something{where_part}{when_part}. Name it.",
        "Which object was left behind by {who}{where_part}{when_part}?",
        "Say what {who} dropped off{where_part}{when_part}.",
    ),
    "A:where": (
        "Name the place where {who} left the {what}{when_part}.",
        "{who} left the {what}{when_part} - at which location?",
        "In what spot did {who} drop off the {what}{when_part}?",
    ),
    "A:when": (
        "On which date did {who} leave the {what}{where_part}?",
        "Give the day {who} dropped off the {what}{where_part}.",
        "{who} left the {what}{where_part}: tell me the date.",
    ),
    "A:with": (
        "Name the companion of {who} when the {what} was left{where_part}.",
        "{who} left the {what}{where_part} together with whom?",
    ),
    "A:why": (
        "For what reason did {who} leave the {what}{where_part}?",
        "Give the purpose of leaving the {what}{where_part}, as {who} said.",
    ),
    "B:lead": (
        "Name the current lead of {entity}.",
        "These days, {entity} is led by whom?",
    ),
    "B:meeting room": (
        "Tell me the room {entity} meets in at present.",
        "At the moment, {entity} holds its meetings in which room?",
    ),
    "C:server_port": (
        "Tell me the port number {subject} listens on.",
        "{subject}: on what port does its database run?",
    ),
    "C:editor": (
        "Name the editor {subject} codes in.",
        "Open {subject}'s work in which editing program?",
    ),
    "C:office": (
        "Name the place {subject} works from on {day}s.",
        "On a {day}, at which workplace would {subject} be?",
    ),
    "D:where": (
        "Name the spot {who} parked at on {when}.",
        "On {when}, {who} parked - at which place?",
    ),
    "E:where": (
        "Tell me the place {who} put the {what} in.",
        "The {what} that {who} stored: at which location is it?",
    ),
}
"""Held-out forms by ``"<scenario>:<asked>"``; never used by any training row."""


def check_forms(forms: str) -> None:
    if forms not in FORMS:
        raise ValueError(f"unknown question forms {forms!r}; choose from {', '.join(FORMS)}")


def held_out_question(item_id: str, key: str, **fields: str) -> str:
    """The item's question in one held-out form of ``key``, filled from ``fields``."""
    form = random.Random(f"hei-nw/forms/{item_id}").choice(HELD_OUT[key])
    text = form.format(**fields)
    return text[0].upper() + text[1:]
