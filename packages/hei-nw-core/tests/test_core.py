"""The floor: atomic writes leave the old file or the new one, and provenance sees the
repository's state."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from hei_nw.core import append_line_synced, git_state, write_atomic, write_json_atomic


def test_interrupted_write_leaves_previous_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "A_B0_metrics.json"
    write_json_atomic(target, {"version": "old"})

    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)  # the rename step inside Path.replace
    with pytest.raises(KeyboardInterrupt):
        write_json_atomic(target, {"version": "new"})
    assert json.loads(target.read_text()) == {"version": "old"}
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp file left


def test_unserialisable_data_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        write_json_atomic(tmp_path / "x.json", {"bad": float("nan")})
    assert not list(tmp_path.iterdir())


def test_a_writer_that_adds_a_suffix_writes_where_it_is_told(tmp_path: Path) -> None:
    target = tmp_path / "keys.npy"
    write_atomic(target, lambda tmp: np.save(tmp, np.arange(3)))
    assert np.load(target).tolist() == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["keys.npy"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_failing_writer_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "weights.bin"
    target.write_bytes(b"old")

    def fail(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, fail)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["weights.bin"]


def test_appended_lines_end_with_one_newline(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    append_line_synced(log, '{"a": 1}')
    append_line_synced(log, '{"b": 2}\n')
    assert log.read_text().splitlines() == ['{"a": 1}', '{"b": 2}']


def test_dirty_flag_sees_edits_anywhere_in_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "packages" / "eval").mkdir(parents=True)
    (repo / "top.py").write_text("x = 1\n")
    (repo / "reports").mkdir()
    (repo / "reports" / "r.json").write_text("{}\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"],
        check=True,
    )
    inside = repo / "packages" / "eval"
    assert git_state(inside)["dirty"] is False
    (repo / "reports" / "r.json").write_text('{"new": 1}\n')
    assert git_state(inside)["dirty"] is False  # what runs write does not count
    (repo / "top.py").write_text("x = 2\n")
    assert git_state(inside)["dirty"] is True  # an edit outside the package folder does
