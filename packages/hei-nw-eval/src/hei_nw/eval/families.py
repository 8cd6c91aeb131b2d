"""Results by family: EM per scenario, question-form split, value format, rendering,
fields and memory content, each run side by side with Wilson intervals.

A single mean hides where a reader fails; the family table shows it, with the
floor and the rule baseline in the same row. Items of scenario B also count
*stale* answers: a prediction that contains the value the update replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hei_nw.datasets import Record
from hei_nw.eval.results import ItemResult
from hei_nw.metrics import contains_answer, wilson_interval


def families_of(record: Record) -> dict[str, str]:
    """``{axis: value}`` for one item: its scenario and its generation family."""
    family = record.get("extra", {}).get("family", {})
    return {"scenario": record["scenario"], **{k: str(v) for k, v in family.items()}}


def _rate(hits: Sequence[float]) -> dict[str, float | None]:
    low, high = wilson_interval(sum(hits), len(hits))
    return {"mean": sum(hits) / len(hits) if hits else None, "ci_low": low, "ci_high": high}


def family_table(
    records: Sequence[Record], runs: Mapping[str, Sequence[ItemResult]]
) -> list[dict[str, Any]]:
    """One row per (axis, value): n, and for every run its EM (and stale rate where the
    items carry a stale value) with a Wilson 95% interval. ``runs`` are aligned with
    ``records``."""
    groups: dict[tuple[str, str], list[int]] = {}
    for index, record in enumerate(records):
        for axis, value in families_of(record).items():
            groups.setdefault((axis, value), []).append(index)
    rows = []
    for (axis, value), indices in groups.items():
        row: dict[str, Any] = {"axis": axis, "value": value, "n": len(indices), "runs": {}}
        for name, items in runs.items():
            cell = {"strict_em": _rate([items[i].scores["strict_em"] for i in indices])}
            stale = [
                (items[i].prediction, records[i]["extra"]["stale"])
                for i in indices
                if "stale" in records[i].get("extra", {})
            ]
            if stale:
                cell["stale"] = _rate([contains_answer(p, s) for p, s in stale])
            row["runs"][name] = cell
        rows.append(row)
    return rows


def render_families(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The family table as Markdown lines (EM [95% interval] per run; stale rates below)."""
    if not rows:
        return []
    names = list(rows[0]["runs"])
    lines = [
        "## By family (strict EM [95% Wilson])",
        "",
        "| axis | value | n | " + " | ".join(names) + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for row in rows:
        cells = [_cell(row["runs"][name]["strict_em"]) for name in names]
        lines.append(f"| {row['axis']} | {row['value']} | {row['n']} | " + " | ".join(cells) + " |")
        if any("stale" in row["runs"][name] for name in names):
            stale = [_cell(row["runs"][name].get("stale")) for name in names]
            lines.append(
                f"| {row['axis']} | {row['value']}: stale answers | {row['n']} | "
                + " | ".join(stale)
                + " |"
            )
    return [*lines, ""]


def _cell(rate: Mapping[str, Any] | None) -> str:
    if not rate or rate["mean"] is None:
        return "-"
    return f"{rate['mean']:.3f} [{rate['ci_low']:.3f}, {rate['ci_high']:.3f}]"
