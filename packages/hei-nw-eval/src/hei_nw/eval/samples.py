"""Per-item samples, lm-evaluation-harness style: one JSON object per line.

A run's metrics JSON keeps the summary and names its samples file; the samples
file holds every item of the run and of each baseline (``run`` says which):
the full prompt text, the memory token ids and their text where memory was
read, prediction, gold, per-metric scores, latency and finish reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hei_nw.core import write_text_atomic

MAIN_RUN = "main"
"""The ``run`` of the report's own items (baselines use their names)."""


class ReportError(ValueError):
    """A metrics or samples file cannot be read; the message says which and why."""


def samples_path(outdir: str | Path, scenario: str, mode: str) -> Path:
    return Path(outdir) / f"{scenario}_{mode}_samples.jsonl"


def write_samples(
    path: str | Path,
    items: Sequence[Mapping[str, Any]],
    baselines: Mapping[str, Sequence[Mapping[str, Any]]],
) -> dict[str, int]:
    """Write every item atomically; returns the number of lines per run."""
    runs = {MAIN_RUN: items, **baselines}
    lines = [
        json.dumps({"run": run, **item}, ensure_ascii=False, allow_nan=False)
        for run, run_items in runs.items()
        for item in run_items
    ]
    write_text_atomic(path, "".join(line + "\n" for line in lines))
    return {run: len(run_items) for run, run_items in runs.items()}


def read_samples(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Items by run, in file order."""
    file = Path(path)
    if not file.is_file():
        raise ReportError(f"{file}: samples file missing")
    runs: dict[str, list[dict[str, Any]]] = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            item = json.loads(line)
            run = item.pop("run")
        except (json.JSONDecodeError, AttributeError, KeyError, TypeError):
            raise ReportError(f"{file}:{number}: not a HEI-NW sample line") from None
        runs.setdefault(str(run), []).append(item)
    return runs
