"""Score predictions and aggregate them, overall and by lag bin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hei_nw.metrics import METRICS, wilson_interval


def score(prediction: str, expected: str | Sequence[str]) -> dict[str, float]:
    """Every per-item metric in :data:`hei_nw.metrics.METRICS`; against several gold
    answers, each metric takes its best (as SQuAD scores)."""
    answers = [expected] if isinstance(expected, str) else list(expected)
    return {name: max(fn(prediction, gold) for gold in answers) for name, fn in METRICS.items()}


def aggregate(items: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Mean of each metric over ``items`` with a Wilson 95% interval.

    F1 is not a rate of successes, so its interval treats it as a fractional
    success count - an approximation that is marked in the report.
    """
    n = len(items)
    summary: dict[str, dict[str, float | None]] = {}
    for name in METRICS:
        total = sum(float(item[name]) for item in items)
        low, high = wilson_interval(total, n)
        summary[name] = {"mean": total / n if n else None, "ci_low": low, "ci_high": high}
    return summary


def bin_by_lag(records: Sequence[Mapping[str, Any]], bins: Sequence[int]) -> list[dict[str, Any]]:
    """Group scored items by lag into ``bins`` (edges: ``[b_i, b_{i+1})``, last open).

    Items whose lag is None are counted in a final ``"none"`` bin when present.
    """
    edges = sorted(set(bins))
    groups: dict[str, list[Mapping[str, Any]]] = {}
    labels = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else None
        label = f"{low}+" if high is None else (str(low) if high == low else f"{low}-{high}")
        labels.append((low, label))
        groups[label] = []
    groups["none"] = []
    for record in records:
        lag = record.get("lag")
        if lag is None or not labels or lag < labels[0][0]:
            groups["none"].append(record)
            continue
        label = [lab for low, lab in labels if lag >= low][-1]
        groups[label].append(record)
    rows = []
    for label, items in groups.items():
        if label == "none" and not items:
            continue
        means = aggregate(items)
        rows.append({"bin": label, "n": len(items), **{k: v["mean"] for k, v in means.items()}})
    return rows
