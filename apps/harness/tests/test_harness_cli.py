"""CLI behaviour: help, exit codes, bad arguments, defaults."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hei_nw.harness import build_parser
from hei_nw.harness.commands.run import default_outdir
from hei_nw.harness.test_log import HEADER


def test_help_lists_every_option(
    harness: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--mode",
        "--scenario",
        "--baseline",
        "--no-context",
        "--no-b0-pair",
        "--batch-size",
        "--quiet",
        "harness train",
        "harness compare",
        "exit codes",
    ):
        assert option in text
    # Options whose default is 0 show it (0 == False once hid it).
    for option in ("--negatives", "--store-size"):
        entry = text.split(f"  {option} ", 1)[1].split("\n  -", 1)[0]
        assert "(default: 0)" in " ".join(entry.split())


@pytest.mark.parametrize("mode", ["B2", "B3"])
def test_b2_b3_without_a_lora_fail_in_one_line(
    harness: Callable[..., int], tmp_path: Path, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert harness("--mode", mode, "--outdir", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"--mode {mode} needs --lora DIR" in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "B9"], "invalid choice: 'B9'"),
        (["--scenario", "Z"], "invalid choice: 'Z'"),
        (["-n", "-1"], "must not be negative"),
        (["-n", "many"], "must be an integer"),
        (["--batch-size", "0"], "must be a positive integer"),
        (["--mode", "B0", "--no-b0-pair"], "--no-b0-pair applies to --mode B1 only"),
    ],
)
def test_bad_arguments_exit_2(
    harness: Callable[..., int], args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        harness(*args)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_model_is_one_line_error(
    harness: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert harness("--model", "no-org/no-model-here", "-n", "1", "--outdir", str(tmp_path)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("harness: error: cannot load model 'no-org/no-model-here'")
    assert "\n" not in err
    assert not list(tmp_path.iterdir())


def test_default_outdir_is_a_new_runs_folder_never_reports(
    harness: Callable[..., int],
    tiny_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A casual run must not overwrite committed figures under reports/."""
    monkeypatch.chdir(tmp_path)
    for mode in ("B0", "B1"):
        assert harness("--mode", mode, "-n", "1", "--model", str(tiny_model_dir)) == 0
    assert not (tmp_path / "reports").exists()
    runs = sorted((tmp_path / "runs").iterdir())
    assert [run.name.rsplit("-", 2)[1:] for run in runs] == [["B0", "A"], ["B1", "A"]]
    for run in runs:
        for path in run.iterdir():
            assert path.stat().st_mode & 0o777 == 0o644, path  # not mkstemp's 0600


def test_default_outdir_names_time_mode_and_scenario() -> None:
    when = datetime(2026, 11, 26, 9, 5, 3, tzinfo=UTC)
    assert default_outdir("B1", "C", when) == Path("runs/20261126-090503-B1-C")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outdir", "{file}"], "--outdir {file}: is a file, not a folder"),
        (
            ["--mode", "B1", "--adapter", "/nonexistent"],
            "--adapter: /nonexistent is not a saved memory reader (no such folder)",
        ),
        (["--mode", "B1", "--adapter", "{empty}"], "is not a saved memory reader"),
    ],
)
def test_bad_paths_fail_in_one_line_before_the_model_loads(
    harness: Callable[..., int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    file, empty = tmp_path / "a-file", tmp_path / "empty"
    file.write_text("x")
    empty.mkdir()
    args = [a.format(file=file, empty=empty) for a in args]
    # A model that cannot load: reaching the loader would give a different error.
    assert harness("--model", "no-org/never-loaded", *args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("harness: error: ")
    assert message.format(file=file) in err
    assert "\n" not in err and "cannot load model" not in err


def test_module_entry_point_runs(
    harness: Callable[..., int],
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hei_nw.harness", "--mode", "B3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2  # B3 without --lora: one line, before any model loads
    assert "Traceback" not in result.stderr


def test_a_test_split_run_is_marked_and_logged(
    harness: Callable[..., int], tiny_model_dir: Path, tmp_path: Path
) -> None:
    log = tmp_path / "TEST_LOG.md"
    for run in ("one", "two"):
        out = tmp_path / run
        args = ["--mode", "B0", "-n", "1", "--model", str(tiny_model_dir), "--outdir", str(out)]
        assert harness(*args, "--split", "test", "--test-log", str(log)) == 0
        assert json.loads((out / "A_B0_metrics.json").read_text())["config"]["test_set"] is True
    rows = [line for line in log.read_text().splitlines() if line.startswith("| ") and "`" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| 1", "| 2"]
    assert str(tmp_path / "two") in rows[1]
    # dev (the default) is not a test-set evaluation and logs nothing
    out = tmp_path / "dev"
    assert (
        harness(
            "--mode",
            "B0",
            "-n",
            "1",
            "--model",
            str(tiny_model_dir),
            "--outdir",
            str(out),
            "--test-log",
            str(log),
        )
        == 0
    )
    assert json.loads((out / "A_B0_metrics.json").read_text())["config"]["test_set"] is False
    assert len(log.read_text().splitlines()) == len(HEADER.splitlines()) + 2


def test_a_only_options_are_refused_for_other_scenarios(
    harness: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert harness("--scenario", "B", "--values", "digits", "--model", "no-org/never") == 2
    assert "--values applies to scenario A only" in capsys.readouterr().err
