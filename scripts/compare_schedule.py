"""Scheduler vs shuffled replay order, from scripts/run_schedule.sh's reports: B3 EM and F1
per seed and pooled over seeds, each as the paired difference priority - shuffled over the
same episodes with a 95% paired bootstrap interval (items are pairs: one question per
episode, the same in both runs). Writes ``schedule.json`` and ``schedule.md`` in the folder.

    uv run python scripts/compare_schedule.py reports/m4-consolidation/schedule
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hei_nw.eval import load_report
from hei_nw.metrics import paired_bootstrap

LABELS = {"strict_em": "strict EM", "f1": "F1"}

ORDERS = ("priority", "shuffled")


def paired(runs: dict[str, dict[str, Any]], metric: str) -> tuple[list[float], list[float]]:
    """The (priority, shuffled) per-item scores, matched by item id."""
    priority, shuffled = ({item["id"]: item[metric] for item in runs[o]["items"]} for o in ORDERS)
    shared = sorted(priority.keys() & shuffled.keys())
    return [priority[i] for i in shared], [shuffled[i] for i in shared]


def compare(runs: dict[str, dict[str, Any]], metric: str) -> dict[str, Any]:
    priority, shuffled = paired(runs, metric)
    n = len(priority)
    return {
        "priority": sum(priority) / n if n else 0.0,
        "shuffled": sum(shuffled) / n if n else 0.0,
        "priority_minus_shuffled": paired_bootstrap(shuffled, priority),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="run_schedule.sh's OUT")
    args = parser.parse_args()
    seeds = {}
    for seed_dir in sorted(args.folder.glob("seed-*")):
        reports = [seed_dir / order / "A_B3_metrics.json" for order in ORDERS]
        if all(r.is_file() for r in reports):
            seeds[seed_dir.name] = {o: load_report(r) for o, r in zip(ORDERS, reports, strict=True)}
    if not seeds:
        print(f"compare_schedule: no seed-*/{{priority,shuffled}} reports in {args.folder}",
              file=sys.stderr)  # fmt: skip
        return 2
    pooled: dict[str, dict[str, Any]] = {o: {"items": []} for o in ORDERS}
    for runs in seeds.values():
        for order in ORDERS:
            pooled[order]["items"] += runs[order]["items"]
    result: dict[str, Any] = {"seeds": {}, "pooled": {}}
    lines = ["| seeds | n | metric | priority | shuffled | priority - shuffled [95% paired] |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for name, runs in [*seeds.items(), ("pooled", pooled)]:
        for metric in ("strict_em", "f1"):
            row = compare(runs, metric)
            (result["pooled"] if name == "pooled" else result["seeds"].setdefault(name, {}))[
                metric
            ] = row
            diff = row["priority_minus_shuffled"]
            lines.append(
                f"| {name} | {diff['n']} | {LABELS[metric]} | {row['priority']:.3f} | "
                f"{row['shuffled']:.3f} | {diff['mean_diff']:+.3f} "
                f"[{diff['ci_low']:+.3f}, {diff['ci_high']:+.3f}] |"
            )
    first = next(iter(seeds.values()))["priority"]
    result["settings"] = {"lora_record": first["summary"].get("lora_record"), "seeds": list(seeds)}
    (args.folder / "schedule.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.folder / "schedule.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
