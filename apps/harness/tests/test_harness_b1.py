"""`harness --mode B1` writes complete reports with latency and equivalence fields."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

B1_FIELDS = (
    "adapter_latency_overhead_s",
    "b1_b0_latency_ratio",
    "adapter_layer_index",
    "predictions_identical_to_b0",
    "prediction_mismatches",
    "b1_latency_median_s",
)


@pytest.mark.parametrize("n", [0, 2])
def test_b1_runs_and_writes_reports(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
    n: int,
) -> None:
    code = harness(
        "--mode", "B1", "-n", str(n), "--model", str(tiny_model_dir), "--outdir", str(tmp_path)
    )
    assert code == 0
    json_path, md_path = tmp_path / "A_B1_metrics.json", tmp_path / "A_B1_report.md"
    assert json_path.is_file()
    assert md_path.is_file()
    report = read_json(json_path)
    for field in B1_FIELDS:
        assert report["summary"][field] is not None, field
    assert report["summary"]["adapter_layer_index"] == 2
    assert report["summary"]["predictions_identical_to_b0"] is True
    assert report["summary"]["paired_items"] == n
    assert len(report["items"]) == n
    assert report["config"]["model"] == str(tiny_model_dir)
    for item in report["items"]:
        assert item["latency_s"] > 0
        assert item["prompt_hash"]
    md = md_path.read_text()
    assert "adapter_latency_overhead_s" in md
    assert "## Latency" in md


def test_b1_without_b0_pair_records_b1_latency(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    code = harness(
        "--mode",
        "B1",
        "-n",
        "2",
        "--no-b0-pair",
        "--model",
        str(tiny_model_dir),
        "--outdir",
        str(tmp_path),
    )
    assert code == 0
    summary = read_json(tmp_path / "A_B1_metrics.json")["summary"]
    assert summary["b1_latency_median_s"] > 0
    assert "adapter_latency_overhead_s" not in summary
