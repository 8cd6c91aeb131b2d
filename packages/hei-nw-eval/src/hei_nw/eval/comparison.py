"""Memory beside its floor and its reference: the table every memory number comes with.

For the same items: B1 (question only, episode in memory), the floor (B0 with
the same question, no memory) and the reference (B0 with the episode in the
prompt). Exact match per run with a Wilson interval, by asked slot (scenario A)
or scenario, and the paired-bootstrap interval of B1 minus the floor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from hei_nw.eval.results import ItemResult
from hei_nw.metrics import paired_bootstrap, wilson_interval


def _group_of(record: Mapping[str, Any]) -> str:
    extra = record.get("extra") or {}
    return str(extra.get("asked") or extra.get("kind") or record.get("scenario", "all"))


def _rate(items: Sequence[ItemResult], metric: str = "strict_em") -> dict[str, float | int]:
    hits = sum(i.scores[metric] for i in items)
    low, high = wilson_interval(hits, len(items))
    return {
        "mean": hits / len(items) if items else 0.0,
        "ci_low": low,
        "ci_high": high,
        "n": len(items),
    }


def memory_comparison(
    records: Sequence[Mapping[str, Any]],
    runs: Mapping[str, Sequence[ItemResult]],
    memory_run: str,
    floor_run: str,
) -> dict[str, Any]:
    """EM of each run overall and by group, and ``memory_run - floor_run`` paired.

    ``runs`` maps a run name to per-item results aligned with ``records``.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[_group_of(record)].append(index)
    table: dict[str, Any] = {}
    for name, items in runs.items():
        if len(items) != len(records):
            raise ValueError(f"run {name!r} has {len(items)} items for {len(records)} records")
        table[name] = {
            "strict_em": _rate(items),
            "f1": sum(i.scores["f1"] for i in items) / len(items) if items else 0.0,
            "by_group": {g: _rate([items[i] for i in idx]) for g, idx in sorted(groups.items())},
        }
    difference = paired_bootstrap(
        [i.scores["strict_em"] for i in runs[floor_run]],
        [i.scores["strict_em"] for i in runs[memory_run]],
    )
    return {
        "runs": table,
        "memory_minus_floor_em": difference,
        "memory_run": memory_run,
        "floor_run": floor_run,
    }


def render_comparison(comparison: Mapping[str, Any]) -> list[str]:
    """Markdown lines for :func:`memory_comparison`'s result."""
    runs = comparison["runs"]
    groups = sorted({g for run in runs.values() for g in run["by_group"]})
    lines = [
        "## Memory vs floor vs reference (strict exact match, 95% Wilson interval)",
        "",
        "| run | n | strict EM | interval | F1 | " + " | ".join(groups) + " |",
        "|---|---|---|---|---|" + "---|" * len(groups),
    ]
    for name, run in runs.items():
        em = run["strict_em"]
        cells = " | ".join(f"{run['by_group'].get(g, {}).get('mean', 0.0):.3f}" for g in groups)
        lines.append(
            f"| {name} | {em['n']} | {em['mean']:.3f} | [{em['ci_low']:.3f}, {em['ci_high']:.3f}] | "
            f"{run['f1']:.3f} | {cells} |"
        )
    diff = comparison["memory_minus_floor_em"]
    lines += [
        "",
        f"{comparison['memory_run']} − {comparison['floor_run']} (strict EM, paired bootstrap, "
        f"{diff['resamples']} resamples): {diff['mean_diff']:+.3f} "
        f"[{diff['ci_low']:+.3f}, {diff['ci_high']:+.3f}], n = {diff['n']}",
        "",
    ]
    return lines


def side_by_side(memory: Sequence[ItemResult], rag: Sequence[ItemResult]) -> dict[str, Any]:
    """Memory and RAG on the same recalled episodes: F1, EM, prompt tokens, latency."""

    def one(items: Sequence[ItemResult]) -> dict[str, float]:
        n = max(1, len(items))
        latencies = sorted(i.latency_s for i in items)
        return {
            "strict_em": sum(i.scores["strict_em"] for i in items) / n,
            "f1": sum(i.scores["f1"] for i in items) / n,
            "prompt_tokens_mean": sum(i.prompt_tokens for i in items) / n,
            "memory_tokens_mean": sum(len(i.memory_token_ids or ()) for i in items) / n,
            "latency_p50_s": latencies[len(latencies) // 2] if latencies else 0.0,
        }

    return {"memory": one(memory), "rag": one(rag)}
