"""Reports: content, sections, and atomic writes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hei_nw.eval import (
    ItemResult,
    ReportError,
    as_rows,
    build_prompt,
    build_report,
    load_report,
    render_markdown,
    template_hash,
    write_reports,
)
from hei_nw.eval.scoring import bin_by_lag, score
from hei_nw.metrics import ComputeRecord


def make_item(i: int, prediction: str, expected: str, lag: int | None) -> ItemResult:
    return ItemResult(
        id=f"A-{i}",
        prompt=f"question {i}",
        prompt_hash=f"p{i}",
        prediction=prediction,
        expected=expected,
        scores=score(prediction, expected),
        latency_s=0.1 * (i + 1),
        prompt_tokens=10,
        generated_tokens=3,
        finish_reason="eos",
        lag=lag,
        compute=ComputeRecord(
            prompt_tokens=10, generated_tokens=3, attention_flops=100, kv_cache_bytes=64
        ),
    )


ITEMS = [
    make_item(0, "Café Lumen", "Café Lumen", 0),
    make_item(1, "It was at the Dock Marrow.", "Dock Marrow", 3),
    make_item(2, "No idea", "Station Orchid", 30),
]


def report(items: list[ItemResult] = ITEMS) -> dict[str, Any]:
    config = {"command": "harness --mode B0", "seed": 7, "model": "m", "batch_size": 1}
    return build_report(scenario="A", mode="B0", config=config, items=items, summary={"x": 1.5})


def test_report_json_has_provenance_metrics_and_items() -> None:
    data = report()
    assert data["schema_version"] == 2
    assert data["versions"]["torch"]
    assert "commit" in data["versions"]["git"]
    assert data["metrics"]["strict_em"]["mean"] == pytest.approx(1 / 3)
    assert data["metrics"]["contains"]["mean"] == pytest.approx(2 / 3)
    assert data["latency_s"]["count"] == 3
    assert data["compute"]["no_memory"]["total_attention_flops"] == 300
    assert [row["bin"] for row in data["lag_bins"]] == [
        "0",
        "1-3",
        "4-15",
        "16-63",
        "64-255",
        "256+",
    ]
    assert len(data["items"]) == 3


def test_markdown_has_every_section() -> None:
    md = render_markdown(report())
    for heading in (
        "## Run",
        "## Metrics",
        "## Latency",
        "## Summary",
        "## Lag bins",
        "## Compute",
        "## Failed items",
    ):
        assert heading in md
    assert "| Lag bin |" in md
    assert "attention_flops = " in md
    assert "Station Orchid" in md  # the failed item is shown


def test_empty_run_writes_valid_reports(tmp_path: Path) -> None:
    json_path, md_path = write_reports(report([]), tmp_path)
    data = json.loads(json_path.read_text())
    assert data["n_items"] == 0
    assert data["metrics"]["strict_em"]["mean"] is None
    assert "None." in md_path.read_text()


def test_items_go_to_the_samples_file_and_load_back(tmp_path: Path) -> None:
    full = build_report(
        scenario="A",
        mode="B0",
        config={"seed": 7},
        items=ITEMS,
        baselines={"rag": ITEMS[:2]},
    )
    json_path, _ = write_reports(full, tmp_path)
    raw = json.loads(json_path.read_text())
    assert "items" not in raw and "items" not in raw["baselines"]["rag"]
    assert raw["samples"] == {"file": "A_B0_samples.jsonl", "lines": {"main": 3, "rag": 2}}
    lines = (tmp_path / "A_B0_samples.jsonl").read_text().splitlines()
    assert [json.loads(line)["run"] for line in lines] == ["main"] * 3 + ["rag"] * 2
    loaded = load_report(json_path)
    assert loaded["items"] == as_rows(ITEMS)
    assert loaded["baselines"]["rag"]["items"] == as_rows(ITEMS[:2])
    assert loaded["metrics"] == full["metrics"]


def test_load_report_refuses_foreign_and_orphaned_files(tmp_path: Path) -> None:
    foreign = tmp_path / "x.json"
    foreign.write_text('{"kind": "other"}')
    with pytest.raises(ReportError, match="not a HEI-NW metrics file"):
        load_report(foreign)
    json_path, _ = write_reports(report(), tmp_path)
    (tmp_path / "A_B0_samples.jsonl").unlink()
    with pytest.raises(ReportError, match="samples file missing"):
        load_report(json_path)


def test_a_baseline_whose_prompts_equal_b0_is_named_not_listed() -> None:
    hashed = [replace(item, prompt_hash=f"h{i}") for i, item in enumerate(ITEMS)]
    other = [replace(item, prompt_hash=f"x{i}") for i, item in enumerate(ITEMS)]
    data = build_report(
        scenario="E",
        mode="B0",
        config={},
        items=hashed,
        baselines={"long_context": hashed, "rag": other},
    )
    assert data["baselines_identical_to_b0"] == ["long_context"]
    assert set(data["baselines"]) == {"rag"}
    assert "long_context" not in data["compute"]
    assert "**long_context**: every prompt equals B0's" in render_markdown(data)


def test_lag_bins_put_none_lags_apart() -> None:
    rows = bin_by_lag(as_rows([*ITEMS, make_item(3, "x", "y", None)]), (0, 5))
    assert {row["bin"]: row["n"] for row in rows} == {"0-4": 2, "5+": 1, "none": 1}


def test_one_prompt_builder_with_and_without_context() -> None:
    with_context = build_prompt("Where?", "On Monday Dana left a bag at Dock 7.")
    assert "Notes:\nOn Monday Dana" in with_context
    assert with_context.endswith("Question: Where?")
    assert "Notes" not in build_prompt("Where?")
    assert len(template_hash()) == 16


def test_provenance_taken_at_the_start_is_what_the_report_records() -> None:
    start = {"git": {"commit": "a" * 40, "dirty": False}, "torch": "x"}
    data = build_report(scenario="A", mode="B0", config={}, items=ITEMS, provenance=start)
    assert data["versions"] == start
