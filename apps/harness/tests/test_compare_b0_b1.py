"""The B0/B1 comparator: every exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hei_nw.eval.samples import write_samples
from hei_nw.harness.commands.compare import EXIT_DELTA, EXIT_INPUT, EXIT_OK, main

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "compare_b0_b1.py"


def metrics(path: Path, predictions: list[str], em: list[float], **overrides: Any) -> Path:
    """A metrics JSON and its samples file, as ``harness`` writes them."""
    items = [
        {"id": f"A-{i}", "prediction": p, "em": e, "relaxed_em": e, "f1": e, "latency_s": 0.5}
        for i, (p, e) in enumerate(zip(predictions, em, strict=True))
    ]
    items = overrides.pop("items", items)
    samples = path.with_suffix(".samples.jsonl")
    write_samples(samples, items, {})
    data = {
        "kind": "hei-nw-metrics",
        "scenario": "A",
        "config": {"seed": 7, "model": "m"},
        "samples": {"file": samples.name},
        **overrides,
    }
    path.write_text(json.dumps(data))
    return path


def test_identical_runs_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x", "y"], [1.0, 0.0])
    b1 = metrics(tmp_path / "b1.json", ["x", "y"], [1.0, 0.0])
    assert main([str(b0), str(b1)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2 shared items" in out
    assert "em +0.000" in out
    assert "flips 0" in out
    assert "latency candidate/baseline 1.000" in out


def test_large_delta_exits_1_and_flag_changes_tolerance(tmp_path: Path) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x", "y", "z", "w"], [1.0, 1.0, 1.0, 1.0])
    b1 = metrics(tmp_path / "b1.json", ["x", "q", "z", "w"], [1.0, 0.0, 1.0, 1.0])
    assert main([str(b0), str(b1)]) == EXIT_DELTA
    assert main([str(b0), str(b1), "--max-delta", "0.3"]) == EXIT_OK


def test_joins_on_item_id_and_counts_shared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x", "y", "z"], [1.0, 0.0, 1.0])
    b1 = metrics(tmp_path / "b1.json", ["x", "y"], [1.0, 0.0])
    assert main([str(b0), str(b1)]) == EXIT_OK
    assert "2 shared items (baseline 3, candidate 2)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("b1_overrides", "message"),
    [
        ({"scenario": "B"}, "differ in scenario"),
        ({"config": {"seed": 8, "model": "m"}}, "differ in seed"),
        ({"config": {"seed": 7, "model": "other"}}, "differ in model"),
        ({"items": []}, "share no items"),
        ({"kind": "something-else"}, "not a HEI-NW metrics file"),
    ],
)
def test_incomparable_runs_exit_2(
    tmp_path: Path, b1_overrides: dict[str, Any], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x"], [1.0])
    b1 = metrics(tmp_path / "b1.json", ["x"], [1.0], **b1_overrides)
    assert main([str(b0), str(b1)]) == EXIT_INPUT
    assert message in capsys.readouterr().err


def test_missing_and_malformed_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x"], [1.0])
    assert main([str(b0), str(tmp_path / "absent.json")]) == EXIT_INPUT
    assert "no such file" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main([str(b0), str(broken)]) == EXIT_INPUT
    assert "not valid JSON" in capsys.readouterr().err
    orphan = metrics(tmp_path / "orphan.json", ["x"], [1.0])
    orphan.with_suffix(".samples.jsonl").unlink()
    assert main([str(b0), str(orphan)]) == EXIT_INPUT
    assert "samples file missing" in capsys.readouterr().err
    torn = metrics(tmp_path / "torn.json", ["x"], [1.0])
    torn.with_suffix(".samples.jsonl").write_text('{"run": "main", "id": "A-0"}\n{"id"\n')
    assert main([str(b0), str(torn)]) == EXIT_INPUT
    assert "torn.samples.jsonl:2: not a HEI-NW sample line" in capsys.readouterr().err


def test_script_wrapper_runs(tmp_path: Path) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x"], [1.0])
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(b0), str(b0)], capture_output=True, text=True, check=False
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert "1 shared items" in result.stdout


def test_missing_item_field_is_an_input_error_not_a_regression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x", "y"], [1.0, 0.0])
    items = [
        {"id": "A-0", "prediction": "x", "em": 1.0, "relaxed_em": 1.0, "f1": 1.0},
        {"id": "A-1", "prediction": "y", "em": 0.0, "relaxed_em": 0.0},
    ]
    b1 = metrics(tmp_path / "b1.json", ["x", "y"], [1.0, 0.0], items=items)
    assert main([str(b0), str(b1)]) == EXIT_INPUT
    assert "lacks a field" in capsys.readouterr().err


def test_flips_are_reported_and_can_be_capped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b0 = metrics(tmp_path / "b0.json", ["x", "y"], [0.0, 0.0])
    b1 = metrics(tmp_path / "b1.json", ["p", "q"], [0.0, 0.0])  # same metrics, every answer new
    assert main([str(b0), str(b1)]) == EXIT_OK
    assert "flips 2" in capsys.readouterr().out
    assert main([str(b0), str(b1), "--max-flips", "1"]) == EXIT_DELTA
    assert "2 predictions flipped" in capsys.readouterr().out
