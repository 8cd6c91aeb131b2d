"""B1 with a fresh reader reads real memory, gated out: it predicts exactly what the
no-memory floor (B0 --no-context) predicts, on every scenario."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hei_nw.models import DEFAULT_MODEL


def assert_fresh_b1_equals_floor(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    model: str,
    scenario: str,
    *extra: str,
) -> None:
    common = ("--scenario", scenario, "-n", "4", "--seed", "7", "--model", model, *extra)
    assert harness("--mode", "B0", "--no-context", *common, "--outdir", str(tmp_path / "b0")) == 0
    assert (
        harness("--mode", "B1", "--adapter", "none", *common, "--outdir", str(tmp_path / "b1")) == 0
    )
    b0 = read_json(tmp_path / "b0" / f"{scenario}_B0_metrics.json")
    b1 = read_json(tmp_path / "b1" / f"{scenario}_B1_metrics.json")
    assert [i["id"] for i in b1["items"]] == [i["id"] for i in b0["items"]]
    assert [i["prompt_hash"] for i in b1["items"]] == [i["prompt_hash"] for i in b0["items"]]
    assert [i["prediction"] for i in b1["items"]] == [i["prediction"] for i in b0["items"]]
    assert b1["summary"]["mean_memory_tokens"] > 10  # memory was really there to read
    assert b1["summary"]["predictions_identical_to_b0"] is True
    assert b1["metrics"] == b0["metrics"]


@pytest.mark.parametrize("scenario", ["A", "B", "C", "D", "E"])
def test_fresh_b1_equals_floor_on_tiny_model(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
    scenario: str,
) -> None:
    assert_fresh_b1_equals_floor(
        harness, read_json, tmp_path, str(tiny_model_dir), scenario, "--max-new-tokens", "8"
    )


@pytest.mark.parametrize("scenario", ["A", "E"])
def test_fresh_b1_equals_floor_on_default_model(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    scenario: str,
) -> None:
    assert_fresh_b1_equals_floor(
        harness, read_json, tmp_path, DEFAULT_MODEL, scenario, "--max-new-tokens", "16"
    )
