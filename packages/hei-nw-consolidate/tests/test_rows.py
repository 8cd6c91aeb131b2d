"""Rows from episodes: several wordings per slot, counterfactual notes, cloze for text."""

from __future__ import annotations

from hei_nw.consolidate.rows import (
    FORMS,
    FORMS_PER_SLOT,
    HELD_OUT_FORM,
    UNKNOWN,
    cloze_rows,
    episode_rows,
    held_out_rows,
    is_unknown,
    qa_rows,
    reading_rows,
    unknown_rows,
)
from hei_nw.memory import Episode
from hei_nw.models.prompts import build_prompt

TRACE = {"who": "Dara Quill", "what": "blue kettle", "where": "Harbor Hall", "when": "2025-03-14"}


def test_every_filled_slot_is_asked_in_four_trained_wordings_cued_by_the_others() -> None:
    rows = qa_rows("ep-1", TRACE)
    assert len(rows) == 4 * FORMS_PER_SLOT
    for slot, value in TRACE.items():
        asked = [r for r in rows if r.target == value]
        assert len({r.prompt for r in asked}) == FORMS_PER_SLOT, slot
        for row in asked:
            assert value not in row.prompt  # the answer is never in its own question
            assert all(v in row.prompt for s, v in TRACE.items() if s != slot)
            assert row.prompt.startswith(build_prompt("").split("Question:")[0])


def test_the_held_out_wording_is_never_a_training_row() -> None:
    trained = {r.prompt for r in qa_rows("ep-1", TRACE)}
    held = held_out_rows("ep-1", TRACE)
    assert len(held) == 4
    assert not trained & {r.prompt for r in held}
    assert all(len(forms) == HELD_OUT_FORM + 1 for forms in FORMS.values())


def test_empty_slots_are_neither_asked_nor_used_as_cues() -> None:
    rows = qa_rows("ep-1", {**TRACE, "where": ""})
    assert len(rows) == 3 * FORMS_PER_SLOT
    assert all(
        "place" not in r.prompt.split("Question:")[1] or "Name the place" in r.prompt for r in rows
    )
    assert not any("place" in r.prompt.split("Question:")[1] for r in rows)  # neither asked nor cue
    assert qa_rows("ep-1", {"who": "Dara Quill", "what": "", "where": "", "when": ""}) == []


def test_counterfactual_notes_answer_from_the_note_not_from_the_episode() -> None:
    traces = [
        ("a", TRACE),
        (
            "b",
            {"who": "Omar Vale", "what": "red scarf", "where": "Mill Yard", "when": "2025-07-02"},
        ),
    ]
    rows = reading_rows(traces, per_episode=8, seed=0)
    assert len(rows) == 16
    for row in rows:
        notes = row.prompt.split("Notes:\n")[1].split("\n\nQuestion:")[0]
        assert f": {row.target}" in notes  # the answer is what the note says
    swapped = [r for r in rows if r.episode_id == "a" and r.target not in TRACE.values()]
    assert swapped, "some notes must contradict the consolidated episode"
    assert reading_rows(traces[:1], per_episode=4, seed=0) == []  # nothing to swap with


def test_unknown_rows_ask_for_cues_no_episode_holds() -> None:
    other = {"who": "Omar Vale", "what": "red scarf", "where": "Mill Yard", "when": "2025-07-02"}
    traces = [("a", TRACE), ("b", other)]
    rows = unknown_rows(traces, per_episode=6, seed=0)
    assert rows and all(r.target == UNKNOWN and r.kind == "unknown" for r in rows)
    values = set(TRACE.values()) | set(other.values())
    cue_values = [
        {v for v in values if v in r.prompt.split("Question:")[1]} for r in rows
    ]  # the episodes' values each cue still names
    recombined = [found for found in cue_values if found]
    assert recombined and all(
        not found <= set(TRACE.values()) and not found <= set(other.values())
        for found in recombined
    )  # familiar values, but never all from one episode
    assert any("Dara Vale" in r.prompt or "Omar Quill" in r.prompt for r in rows)  # blended names
    assert unknown_rows(traces[:1], per_episode=4, seed=0) == []  # nothing to recombine with
    assert unknown_rows(traces, per_episode=0, seed=0) == []
    assert is_unknown(" Unknown.") and not is_unknown("unknown person")


def test_a_text_episode_gets_cloze_rows_and_itself() -> None:
    text = "The bridge opened in 1932. Engineers from Nordvik Works built it over the Lune River."
    rows = episode_rows("t", {}, text, FORMS_PER_SLOT)
    assert rows[0].kind == "lm" and rows[0].target == text
    cloze = cloze_rows("t", text)
    assert [r.target for r in cloze] == ["1932", "Nordvik Works"]
    assert all("___" in r.prompt for r in cloze)


def test_episode_rows_mix_text_and_questions() -> None:
    episode = Episode("ep-1", TRACE, "On 2025-03-14, Dara Quill left a blue kettle.", {})
    rows = episode_rows(episode.id, episode.trace, episode.text, 2)
    assert [r.kind for r in rows].count("lm") == 1
    assert [r.kind for r in rows].count("qa") == 8
