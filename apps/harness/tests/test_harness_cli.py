"""CLI behaviour: help, exit codes, bad arguments, defaults."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hei_nw.harness import build_parser
from hei_nw.harness.cli import EXIT_NEEDS_LATER_STAGE


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
    ):
        assert option in text


@pytest.mark.parametrize("mode", ["B2", "B3"])
def test_b2_b3_exit_64_without_files(
    harness: Callable[..., int], tmp_path: Path, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert harness("--mode", mode, "--outdir", str(tmp_path)) == EXIT_NEEDS_LATER_STAGE == 64
    err = capsys.readouterr().err
    assert "consolidation stage" in err
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


def test_zero_items_writes_valid_empty_b0_report(
    harness: Callable[..., int], tmp_path: Path, tiny_model_dir: Path
) -> None:
    assert harness("-n", "0", "--model", str(tiny_model_dir), "--outdir", str(tmp_path)) == 0
    assert (tmp_path / "A_B0_metrics.json").is_file()


def test_default_outdirs_per_mode(
    harness: Callable[..., int],
    tiny_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    for mode in ("B0", "B1"):
        assert harness("--mode", mode, "-n", "0", "--model", str(tiny_model_dir)) == 0
    assert (tmp_path / "reports/baseline/A_B0_metrics.json").is_file()
    assert (tmp_path / "reports/m2-memory/A_B1_metrics.json").is_file()
    assert (tmp_path / "reports/m2-memory/A_B1_report.md").is_file()


def test_module_entry_point_runs(
    harness: Callable[..., int],
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hei_nw.harness", "--mode", "B3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 64
    assert "Traceback" not in result.stderr
