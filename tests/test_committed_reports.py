"""Every committed report can be checked: its samples file is there and complete.

A metrics JSON names its per-item samples file and how many lines each run wrote
(``samples.lines``); a README claim drawn from a report (an error breakdown, a
per-slot rate) can only be checked if those lines exist.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
METRICS = sorted((ROOT / "reports").rglob("*_metrics.json"))


def test_there_are_committed_reports() -> None:
    assert len(METRICS) >= 10


@pytest.mark.parametrize("path", METRICS, ids=lambda p: str(p.relative_to(ROOT / "reports")))
def test_samples_file_exists_with_every_line(path: Path) -> None:
    report = json.loads(path.read_text(encoding="utf-8"))
    samples = path.parent / report["samples"]["file"]
    assert samples.is_file(), f"{samples.relative_to(ROOT)} is not committed"
    lines = samples.read_text(encoding="utf-8").splitlines()
    counts = report["samples"]["lines"]
    assert counts["main"] == report["n_items"]
    assert len(lines) == sum(counts.values())
    runs = [json.loads(line)["run"] for line in lines]
    assert {run: runs.count(run) for run in counts} == counts
