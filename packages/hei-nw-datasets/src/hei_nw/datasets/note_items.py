"""One question of the everyday-notes set (:mod:`hei_nw.datasets.notes`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoteItem:
    """A question about the notes. ``notes`` are written in order before any question
    (for "changed", the old note first); ``answer`` is None when nothing stored answers
    it; ``stale`` is the superseded value a changed fact must not be answered with."""

    family: str
    notes: tuple[str, ...]
    question: str
    answer: str | None
    stale: str | None = None


def one_note_each(family: str, rows: list[tuple[str, str, str]]) -> list[NoteItem]:
    return [NoteItem(family, (note,), question, answer) for note, question, answer in rows]
