"""The hand-written notes dev set: at least 100 notes, every family asked, every answer a
span of the note that holds it, updates written after everything else."""

from __future__ import annotations

from hei_nw.datasets.notes import FAMILIES, ITEMS, stored_notes


def test_the_notes_dev_set_is_whole() -> None:
    notes = stored_notes()
    assert len(notes) >= 100 and len(set(notes)) == len(notes)
    assert {item.family for item in ITEMS} == set(FAMILIES)
    for item in ITEMS:
        if item.answer is None:
            assert item.family == "never-stored" and not item.notes
            continue
        assert item.answer in item.notes[-1], item.question  # the newest note holds it
        if item.stale is not None:
            assert item.stale in item.notes[0] and item.stale not in item.notes[-1]
    updates = [item.notes[-1] for item in ITEMS if item.family == "changed"]
    assert notes[-len(updates) :] == updates
