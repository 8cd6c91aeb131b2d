"""Updates supersede, with history: a note written with ``replaces`` is read in place of
the old one, which stays visible in its history; forgetting the new one makes the old
one current again; unknown ids are one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hei_nw.api import Memory, UnknownEpisodeError
from hei_nw.api.cli import main


def test_a_replacement_is_read_instead_of_the_old_note(tmp_path: Path) -> None:
    with Memory.open(tmp_path) as memory:
        old = memory.remember("The team meeting is in room 101 on Mondays.")
        memory.remember("Lunch with Ana is on Friday at noon.")
        new = memory.remember("The team meeting moved to room 7 on Tuesdays.", replaces=old.id)
        newest = memory.remember("The team meeting is in the garden now.", replaces=old.id)
        assert new.written and new.id is not None and newest.id is not None
        hits, replaced = memory.recall_current("Which room is the team meeting in on Mondays?")
        assert [h.id for h in hits] == [newest.id] and replaced
        assert [e.id for e in memory.history(new.id)] == [old.id, new.id, newest.id]
        assert memory.get(newest.id).meta["supersedes"] == new.id  # the line's newest
    with Memory.open(tmp_path) as reopened:  # the links live in the log
        assert [e.id for e in reopened.history(old.id or "")] == [old.id, new.id, newest.id]
        reopened.forget(newest.id)
        assert [e.id for e in reopened.history(old.id or "")] == [old.id, new.id]
        assert reopened.recall("team meeting room", k=1)[0].id == new.id


def test_replacing_an_unknown_note_writes_nothing(tmp_path: Path) -> None:
    with Memory.open(tmp_path) as memory:
        with pytest.raises(UnknownEpisodeError):
            memory.remember("A note.", replaces="ep-00000042")
        with pytest.raises(UnknownEpisodeError):
            memory.history("ep-00000042")
        assert len(memory) == 0


def test_cli_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path)]
    main(["remember", "The van is in bay 101.", *store])
    assert main(["remember", "The van is in bay 214.", "--replaces", "ep-00000000", *store]) == 0
    capsys.readouterr()
    assert main(["history", "ep-00000001", *store]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ep-00000000") and lines[0].endswith("[superseded]")
    assert lines[1].startswith("ep-00000001") and lines[1].endswith("[current]")
    assert main(["history", "ep-00000000", "--json", *store]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in rows] == ["superseded", "current"]
    assert main(["history", "ep-00000009", *store]) == 1
    assert main(["remember", "x", "--replaces", "ep-00000009", *store]) == 1
    assert "no episode 'ep-00000009'" in capsys.readouterr().err


def test_detected_updates_are_opt_in(tmp_path: Path) -> None:
    from dataclasses import replace

    from hei_nw.api import DEFAULTS

    for detect, expected in ((None, "old"), (0.4, "new")):
        settings = replace(DEFAULTS, update_similarity=detect)
        with Memory.open(tmp_path / str(detect), settings=settings) as memory:
            old = memory.remember("The team meeting is in room 101 on Mondays.")
            memory.remember("Lunch with Ana is on Friday at noon.")
            new = memory.remember("The team meeting moved to room 7.")
            assert memory.remember("Piano lessons are now on Wednesdays.").written
            ids = {"old": old.id, "new": new.id}
            assert memory.recall("Which room is the team meeting in?", k=1)[0].id == ids[expected]
            if detect is not None:
                assert memory.get(new.id or "").meta["update"] == "detected"
                assert [e.id for e in memory.history(old.id or "")] == [old.id, new.id]
                piano = memory.episodes()[-1]
                assert "supersedes" not in piano.meta  # update words, but nothing it updates
