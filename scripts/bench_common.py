"""Shared helpers for the benchmark scripts: paired statistics and JSON output."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from hei_nw.core import write_json_atomic

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "reports" / "bench"


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median with min, max and the interquartile range of a list of ratios."""
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=4) if len(ordered) >= 2 else [ordered[0]] * 3
    return {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "q1": q[0],
        "q3": q[2],
        "n": len(ordered),
    }


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``reports/bench/{name}.json`` atomically."""
    return write_json_atomic(BENCH_DIR / f"{name}.json", data)
