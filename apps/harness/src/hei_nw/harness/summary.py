"""The short table a run ends with: the numbers, not just the file paths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _row(name: str, metrics: Mapping[str, Any], p50: float | None) -> str:
    em = metrics["strict_em"]
    latency = "–" if p50 is None else f"{p50:.2f}"
    return (
        f"{name:<36} {em['mean']:.3f} [{em['ci_low']:.3f}, {em['ci_high']:.3f}]"
        f"  {metrics['f1']['mean']:.3f}  {metrics['contains']['mean']:.3f}  {latency:>6}"
    )


PAIRED = ("episode_in_prompt", "no_memory_floor", "rules")
"""Baselines the B1 comparison rows already show."""


def _family_lines(rows: Sequence[Mapping[str, Any]], total: int) -> list[str]:
    """EM by family (each axis but the scenario), every run on one line; families that
    hold all ``total`` items (a one-family run) are the table above, so left out."""
    lines = []
    for row in rows:
        if row["axis"] == "scenario" or row["n"] == total:
            continue  # a family that holds every item repeats the run's own row
        cells = " | ".join(
            f"{name} {run['strict_em']['mean']:.3f}" for name, run in row["runs"].items()
        )
        lines.append(f"  {row['axis']}={row['value']} (n = {row['n']}): {cells}")
        stale = {name: run["stale"]["mean"] for name, run in row["runs"].items() if "stale" in run}
        if stale:
            lines.append(
                "    stale answers: " + " | ".join(f"{k} {v:.3f}" for k, v in stale.items())
            )
    return ["by family (strict EM):", *lines] if lines else []


def print_summary(report: Mapping[str, Any]) -> None:
    """EM with its interval, F1, contains and p50 latency for the run and its baselines;
    for B1 also the paired B1 - floor difference."""
    if not report["n_items"]:
        print("no items: nothing to summarise")
        return
    header = f"{'run (n = ' + str(report['n_items']) + ')':<36} {'strict EM [95% CI]':<21}  F1     contains  p50 s"
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
            em = run["strict_em"]
            lines.append(
                f"  {name:<34} {em['mean']:.3f} [{em['ci_low']:.3f}, {em['ci_high']:.3f}]"
                f"  {run['f1']:.3f}"
            )
        for name, baseline in report.get("baselines", {}).items():
            if name not in PAIRED:  # long context, RAG
                lines.append(_row(f"  {name}", baseline["metrics"], None))
        diff = comparison["memory_minus_floor_em"]
        names = f"{comparison.get('memory_run', 'B1')} - {comparison.get('floor_run', 'floor')}"
        lines.append(
            f"{names} strict EM (paired bootstrap): {diff['mean_diff']:+.3f} "
            f"[{diff['ci_low']:+.3f}, {diff['ci_high']:+.3f}]"
        )
    lines += _family_lines(report.get("families", []), report["n_items"])
    lines += _summary_lines(report.get("summary", {}))
    print("\n".join(lines))


def _gate_lines(gate: Mapping[str, Any] | None) -> list[str]:
    """The write gate's ranking, calibration and each policy's writes (``--memory gated``)."""
    if not gate:
        return []
    stream = gate["stream"]
    lines = [
        f"stream: {stream['segments']} candidates, {stream['tokens']} tokens, {stream['positives']} "
        f"needed later ({100 * stream['positive_share']:.1f}% of candidates, "
        f"{stream['positives_per_1k_tokens']:.1f} per 1k tokens)"
    ]
    for name, result in gate["ranking"].items():
        at = " ".join(
            f"@{rate}/1k P {v['precision']:.2f} R {v['recall']:.2f}"
            for rate, v in result["at_rate_per_1k"].items()
        )
        lines.append(f"  {name:<14} PR-AUC {result['pr_auc']:.3f}  {at}")
    lines.append(
        f"  calibrated (Platt, fitted on the training stream): ECE {gate['calibration']['ece']:.3f}"
    )
    for name, policy in gate["policies"].items():
        lines.append(
            f"  writes {name:<14} {policy['writes']:>4}  needed recall {policy['needed_recall']:.2f}  "
            f"near-duplicates {policy['near_duplicate_share']:.3f}  own output {policy['own_output_writes']}"
        )
    return lines


def _summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """The store's recall, memory beside RAG, the gate, drift and the reader, where run."""
    lines: list[str] = []
    if "retrieval" in summary:
        r = summary["retrieval"]
        k = r["recall_k"]
        lines.append(
            f"store: {r['store_size']} episodes ({r['embedder']}, {r['keys']} keys, {r['index']}) - "
            f"P@1 {r['p_at_1']:.3f}, MRR {r['mrr']:.3f}, recall@{k} {r[f'recall_at_{k}']:.3f}, "
            f"recall p50/p95 {1e3 * r['recall_latency_p50_s']:.2f}/{1e3 * r['recall_latency_p95_s']:.2f} ms"
        )
    if "memory_vs_rag" in summary:
        for name, side in summary["memory_vs_rag"].items():
            lines.append(
                f"  {name:<6} on the same recall: F1 {side['f1']:.3f}, prompt {side['prompt_tokens_mean']:.0f} "
                f"tokens + memory {side['memory_tokens_mean']:.0f}, p50 {side['latency_p50_s']:.2f} s"
            )
    lines += _gate_lines(summary.get("gate"))
    if "passage_perplexity" in summary:
        d = summary["passage_perplexity"]
        lines.append(
            f"drift: perplexity on {d['texts']} unseen passages {d['lora']:.2f} with the LoRA, "
            f"{d['base']:.2f} without (x{d['ratio']:.3f}; limit x{d['limit']:.2f})"
        )
    if "reader" in summary:
        lines.append(f"reader: {summary['reader']} {summary.get('reader_path') or ''}".rstrip())
    return lines
