"""What a memory lets in: near-duplicates and its own output refused, salience measured
with the model when asked to, capacity kept by evicting the least salient (never a pin)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hei_nw.api import DEFAULTS, Memory
from hei_nw.models.testing import save_tiny_model_and_reader


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    model, reader = save_tiny_model_and_reader(tmp_path_factory.mktemp("tiny"))
    return str(model), str(reader)


def test_near_duplicates_are_refused_with_the_episode_they_repeat(tmp_path: Path) -> None:
    with Memory.open(tmp_path) as memory:
        first = memory.remember("The van is parked in bay 101 on level 1.")
        again = memory.remember("the van is parked in bay 101, on level 1")
        other = memory.remember("The van is parked in bay 102 on level 2.")
        swapped = [memory.remember(t) for t in ("Ana owes Ben 5 euros.", "Ben owes Ana 5 euros.")]
    assert first.written and other.written
    assert all(w.written for w in swapped)  # the same words in another order say another thing
    assert not again.written and again.id is None and again.existing_id == first.id
    assert again.reason.startswith(f"refused: near-duplicate of {first.id}")
    assert again.gate["novelty"] == pytest.approx(0.0, abs=0.01)


def test_the_same_note_again_is_stored_once_across_reopening(
    tmp_path: Path, tiny: tuple[str, str]
) -> None:
    note = "The spare key is under the blue flowerpot."
    with Memory.open(tmp_path, *tiny) as memory:
        first = memory.remember(note)
        memory.ask("Where is the spare key?")  # recalls the note: it is not "own output"
        again = memory.remember(note)
    with Memory.open(tmp_path, *tiny) as reopened:
        retried = reopened.remember(note)
        assert len(reopened) == 1
    for refusal in (again, retried):
        assert not refusal.written and refusal.existing_id == first.id
        assert "already stored" in refusal.reason and "own output" not in refusal.reason


def test_the_systems_own_answers_are_never_written_back(
    tmp_path: Path, tiny: tuple[str, str]
) -> None:
    with Memory.open(tmp_path, *tiny) as memory:
        memory.remember("The spare key is under the blue flowerpot.")
        answer = memory.ask("Where is the spare key?")
        assert answer.text.strip()  # the tiny model's answer: random words, never empty
        echoed = memory.remember(answer.text.upper())
        assert len(memory) == 1
    assert not echoed.written and "system's own output" in echoed.reason


def test_gate_off_writes_everything(tmp_path: Path) -> None:
    settings = replace(DEFAULTS, gate="off")
    with Memory.open(tmp_path, settings=settings) as memory:
        assert memory.remember("Same note.").written and memory.remember("Same note.").written
        assert len(memory) == 2


def test_salience_gate_measures_surprise_and_logs_every_signal(
    tmp_path: Path, tiny: tuple[str, str]
) -> None:
    settings = replace(DEFAULTS, gate="salience", gate_threshold=0.5)
    with Memory.open(tmp_path, *tiny, settings=settings) as memory:
        results = [memory.remember(f"Meeting {i}: room {i * 3} at {i} pm.") for i in range(6)]
        pinned = memory.remember("Meeting 0: room 0 at 0 pm, really.", pin=True)
    for result in results:
        assert {"surprise", "novelty", "score", "threshold"} <= set(result.gate)
        assert result.written == (float(result.gate["score"]) > 0.5)  # type: ignore[arg-type]
    assert any(r.gate["surprise"] != 0.0 for r in results[2:])  # measured once the window fills
    assert pinned.written and pinned.reason == "pinned"


def test_capacity_evicts_the_least_salient_but_never_a_pin(tmp_path: Path) -> None:
    settings = replace(DEFAULTS, capacity=3, half_life=2.0)
    with Memory.open(tmp_path, settings=settings) as memory:
        pinned = memory.remember("Alarm code is kept by the caretaker.", pin=True)
        kept = [memory.remember(f"Parcel {i} went to locker {i * 11}.") for i in range(4)]
        assert len(memory) == 3
        ids = {e.id for e in memory.episodes()}
    assert pinned.id in ids  # the oldest, but pinned
    assert kept[-1].id in ids  # the newest
    evicted = [e for r in kept for e in r.evicted]
    assert len(evicted) == 2 and pinned.id not in evicted
