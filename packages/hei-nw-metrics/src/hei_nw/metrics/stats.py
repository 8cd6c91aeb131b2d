"""Uncertainty for rates and paired differences."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def wilson_interval(successes: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score 95% interval for a rate of ``successes`` out of ``n``.

    Returns (0, 1) for ``n == 0``: with no data every rate is plausible.
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def paired_bootstrap(
    a: Sequence[float], b: Sequence[float], resamples: int = 2000, seed: int = 0
) -> dict[str, float]:
    """Mean of ``b - a`` over paired items with a seeded percentile 95% interval.

    Items are resampled with replacement as pairs, so the interval reflects the
    per-item correlation of two runs on the same items.
    """
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} vs {len(b)}")
    if resamples < 1000:
        raise ValueError(f"use at least 1000 resamples, got {resamples}")
    if not a:
        return {"mean_diff": 0.0, "ci_low": 0.0, "ci_high": 0.0, "n": 0, "resamples": resamples}
    diffs = [y - x for x, y in zip(a, b, strict=True)]
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    return {
        "mean_diff": sum(diffs) / n,
        "ci_low": means[int(0.025 * (resamples - 1))],
        "ci_high": means[int(0.975 * (resamples - 1))],
        "n": n,
        "resamples": resamples,
    }
