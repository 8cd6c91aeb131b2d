"""Per-item wall-clock timing and latency summaries."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Timer:
    """Holds the elapsed seconds of one ``with timed() as t:`` block."""

    elapsed_s: float = field(default=0.0)


@contextmanager
def timed() -> Iterator[Timer]:
    """Measure a block with ``time.perf_counter``."""
    timer = Timer()
    start = time.perf_counter()
    try:
        yield timer
    finally:
        timer.elapsed_s = time.perf_counter() - start


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile ``q`` in [0, 100] (NaN for no values)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(latencies_s: Sequence[float]) -> dict[str, float | int | None]:
    """``count``, ``mean``, ``p50``, ``p95``, ``max`` in seconds (None when empty)."""
    if not latencies_s:
        return {"count": 0, "mean": None, "p50": None, "p95": None, "max": None}
    return {
        "count": len(latencies_s),
        "mean": sum(latencies_s) / len(latencies_s),
        "p50": percentile(latencies_s, 50),
        "p95": percentile(latencies_s, 95),
        "max": max(latencies_s),
    }
