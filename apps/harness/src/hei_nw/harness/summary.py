"""The short table a run ends with: the numbers, not just the file paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _row(name: str, metrics: Mapping[str, Any], p50: float | None) -> str:
    em = metrics["em"]
    latency = "–" if p50 is None else f"{p50:.2f}"
    return (
        f"{name:<36} {em['mean']:.3f} [{em['ci_low']:.3f}, {em['ci_high']:.3f}]"
        f"  {metrics['f1']['mean']:.3f}  {metrics['contains']['mean']:.3f}  {latency:>6}"
    )


def print_summary(report: Mapping[str, Any]) -> None:
    """EM with its interval, F1, contains and p50 latency for the run and its baselines;
    for B1 also the paired B1 - floor difference."""
    if not report["n_items"]:
        print("no items: nothing to summarise")
        return
    header = f"{'run (n = ' + str(report['n_items']) + ')':<36} {'EM [95% CI]':<21}  F1     contains  p50 s"
    lines = [header, "-" * len(header)]
    lines.append(
        _row(
            f"{report['mode']} scenario {report['scenario']}",
            report["metrics"],
            report["latency_s"]["p50"],
        )
    )
    for name, baseline in report.get("baselines", {}).items():
        lines.append(_row(f"  {name}", baseline["metrics"], None))
    comparison = report.get("comparison")
    if comparison:
        diff = comparison["memory_minus_floor_em"]
        lines.append(
            f"B1 - floor EM (paired bootstrap): {diff['mean_diff']:+.3f} "
            f"[{diff['ci_low']:+.3f}, {diff['ci_high']:+.3f}]"
        )
    summary = report.get("summary", {})
    if "reader" in summary:
        lines.append(f"reader: {summary['reader']} {summary.get('reader_path') or ''}".rstrip())
    print("\n".join(lines))
