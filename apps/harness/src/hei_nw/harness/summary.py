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
    comparison = report.get("comparison")
    if not comparison:
        for name, baseline in report.get("baselines", {}).items():
            lines.append(_row(f"  {name}", baseline["metrics"], None))
    else:
        for name, run in comparison["runs"].items():
            em = run["em"]
            lines.append(
                f"  {name:<34} {em['mean']:.3f} [{em['ci_low']:.3f}, {em['ci_high']:.3f}]"
                f"  {run['f1']:.3f}"
            )
        diff = comparison["memory_minus_floor_em"]
        lines.append(
            f"B1 - floor EM (paired bootstrap): {diff['mean_diff']:+.3f} "
            f"[{diff['ci_low']:+.3f}, {diff['ci_high']:+.3f}]"
        )
    summary = report.get("summary", {})
    if "retrieval" in summary:
        r = summary["retrieval"]
        k = r["recall_k"]
        lines.append(
            f"store: {r['store_size']} episodes ({r['embedder']}, {r['keys']} keys, {r['index']}) - "
            f"P@1 {r['p_at_1']:.3f}, MRR {r['mrr']:.3f}, recall@{k} {r[f'recall_at_{k}']:.3f}, "
            f"recall p50/p95 {1e3 * r['recall_latency_p50_s']:.2f}/{1e3 * r['recall_latency_p95_s']:.2f} ms"
        )
    if "reader" in summary:
        lines.append(f"reader: {summary['reader']} {summary.get('reader_path') or ''}".rstrip())
    print("\n".join(lines))
