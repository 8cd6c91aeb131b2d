"""``--memory gated``: a labelled stream through the write gate, then the questions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Harness = Callable[..., int]


def test_the_gated_run_reports_ranking_calibration_and_every_policy(
    harness: Harness,
    tiny_model_dir: Path,
    tmp_path: Path,
    read_json: Callable[[Path], dict[str, Any]],
) -> None:
    code = harness(
        "--mode",
        "B1",
        "--memory",
        "gated",
        "-n",
        "4",
        "--stream-routine",
        "4",
        "--model",
        str(tiny_model_dir),
        "--adapter",
        "none",
        "--outdir",
        str(tmp_path),
    )
    assert code == 0
    report = read_json(tmp_path / "A_B1_metrics.json")
    gate = report["summary"]["gate"]
    assert set(gate["ranking"]) == {"gate", "surprise only", "novelty only"}
    assert 0.0 <= gate["calibration"]["ece"] <= 1.0
    policies = gate["policies"]
    assert set(policies) == {"gate", "write-all", "random", "surprise only", "novelty only"}
    assert all(p["own_output_writes"] == 0 for p in policies.values())
    assert (
        policies["random"]["writes"]
        == policies["gate"]["writes"]
        <= policies["write-all"]["writes"]
    )
    assert len(gate["candidates"]) == gate["stream"]["segments"]
    assert report["n_items"] == gate["stream"]["positives"]
    assert {"B1 write-all", "B1 random"} <= set(report["baselines"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--memory", "gated", "--scenario", "C"),
            "--memory gated runs with --mode B1 --scenario A",
        ),
        (("--memory", "gated", "--gate-rate", "0"), "--gate-rate must be a positive"),
        (("--memory", "gated", "--gate-rate", "nan"), "--gate-rate must be a positive"),
    ],
)
def test_bad_gate_options_are_one_line(
    harness: Harness,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    assert harness("--mode", "B1", *args, "--outdir", str(tmp_path / "r")) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_stream_with_nothing_to_ask_is_one_line_before_the_model_loads(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hei_nw.datasets.stream import make_stream

    seed = next(s for s in range(100) if not make_stream(1, s, split="dev", routine=14).questions)
    code = harness(
        "--mode",
        "B1",
        "--memory",
        "gated",
        "-n",
        "1",
        "--seed",
        str(seed),
        "--model",
        "/nonexistent",
        "--outdir",
        str(tmp_path / "r"),
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "no fact a later question asks about" in err and len(err.strip().splitlines()) == 1
