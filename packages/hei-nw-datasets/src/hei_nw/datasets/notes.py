"""Everyday notes, written by hand: the dev set for "Memory that keeps time".

Eight families, as a user writes them: parking spots, appointments, work facts, codes
and numbers, preferences, changed plans (a note and, later, its update: the answer is
the newest value), notes holding several facts (asked one at a time), and questions
about things never stored (the answer is "I don't know"). Every answer is a span of
its note, so ``contains`` scores it. This is the **dev** set: steer on it; release
figures need a held-out set written apart from it.
"""

from __future__ import annotations

from hei_nw.datasets.note_items import NoteItem
from hei_nw.datasets.notes_compound import CHANGED, MULTI_FACT, NEVER_STORED
from hei_nw.datasets.notes_single import APPOINTMENTS, CODES, PARKING, PREFERENCES, WORK

__all__ = [
    "APPOINTMENTS",
    "CHANGED",
    "CODES",
    "FAMILIES",
    "ITEMS",
    "MULTI_FACT",
    "NEVER_STORED",
    "PARKING",
    "PREFERENCES",
    "WORK",
    "NoteItem",
    "stored_notes",
]

FAMILIES = (
    "parking",
    "appointments",
    "work",
    "codes",
    "preferences",
    "changed",
    "multi-fact",
    "never-stored",
)


ITEMS: tuple[NoteItem, ...] = (
    *PARKING,
    *APPOINTMENTS,
    *WORK,
    *CODES,
    *PREFERENCES,
    *CHANGED,
    *MULTI_FACT,
    *NEVER_STORED,
)
"""Every question, in family order."""


def stored_notes() -> list[str]:
    """Every note, once, in the order a user wrote them: each family's notes, and the
    updates of changed facts last (written later, after other notes)."""
    first = [item.notes[0] for item in ITEMS if item.notes]
    updates = [note for item in ITEMS for note in item.notes[1:]]
    return list(dict.fromkeys([*first, *updates]))
