"""Forgetting that erases: a forgotten note leaves every byte of the memory folder,
encrypted or not; notes with a time to live are never recalled once expired and are
erased on close; a bad time to live is one line."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hei_nw.api import Memory, MemoryUsageError
from hei_nw.api.cli import main
from hei_nw.api.expiry import TTLError, parse_ttl

SECRET = "zebra-quartz-4417"


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_forgotten_note_leaves_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    if encrypted:
        monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with Memory.open(tmp_path) as memory:
        kept = memory.remember("The spare key is under the blue flowerpot.")
        secret = memory.remember(f"The vault code is {SECRET}.")
        memory.store.save()  # a snapshot of the index, the secret's keys in it
        memory.forget(secret.id or "")
        assert [e.id for e in memory.episodes()] == [kept.id]
    assert SECRET.encode() not in every_byte(tmp_path)
    with Memory.open(tmp_path) as reopened:
        assert [e.id for e in reopened.episodes()] == [kept.id]
        assert reopened.remember("A new note.").id == "ep-00000002"  # ids never reused


def test_an_expired_note_is_never_recalled_and_is_erased_on_close(tmp_path: Path) -> None:
    with Memory.open(tmp_path) as memory:
        lasting = memory.remember("The spare key is under the blue flowerpot.")
        brief = memory.remember(f"Today's door code is {SECRET}.", ttl=timedelta(seconds=1))
        assert memory.get(brief.id or "").meta["expires_at"]
        assert memory.recall("door code", k=2)[0].id == brief.id
        time.sleep(1.1)  # the second passes: the note has expired
        recalled = memory.recall("door code", k=2)
        assert [h.id for h in recalled] == [lasting.id] and recalled[0].rank == 0
    assert SECRET.encode() not in every_byte(tmp_path)
    with Memory.open(tmp_path) as reopened:
        assert [e.id for e in reopened.episodes()] == [lasting.id]


def test_an_expired_note_alone_means_i_do_not_know(tmp_path: Path) -> None:
    with Memory.open(tmp_path, model=str(tmp_path / "no-model")) as memory:
        memory.remember("Today's door code is 4417.", ttl="1s")
        time.sleep(1.1)
        assert not memory.ask("What is today's door code?").known  # and no model loaded


@pytest.mark.parametrize("ttl", ["0d", "-3h", "soon", "7 days", "", True, 0, -5])
def test_a_bad_time_to_live_is_one_line(tmp_path: Path, ttl: object) -> None:
    with pytest.raises(TTLError):
        parse_ttl(ttl)  # type: ignore[arg-type]
    with Memory.open(tmp_path) as memory:
        with pytest.raises(MemoryUsageError, match="time to live"):
            memory.remember("A note.", ttl=ttl)  # type: ignore[arg-type]
        assert len(memory) == 0


def test_ttl_units() -> None:
    assert parse_ttl("90s") == timedelta(seconds=90)
    assert parse_ttl("7d") == timedelta(days=7) and parse_ttl("2w") == timedelta(weeks=2)
    assert parse_ttl(1.5) == timedelta(seconds=1.5)


def test_cli_ttl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path)]
    assert main(["remember", "Door code 4417.", "--ttl", "7d", *store]) == 0
    assert main(["list", "--json", *store]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows and rows[0]["meta"]["expires_at"]
    assert main(["remember", "Another.", "--ttl=-1d", *store]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("hei-nw: error: a time to live") and "\n" not in err


def test_a_changed_fact_is_read_newest_first(tmp_path: Path) -> None:
    with Memory.open(tmp_path) as memory:
        memory.remember("The van is parked in bay 101 on level 1.")
        memory.remember("Lunch with Ana is on Friday at noon.")
        update = memory.remember("The van is now parked in bay 214 on level 3.")
        assert memory.recall("Where is the van parked?", k=1)[0].id == update.id
