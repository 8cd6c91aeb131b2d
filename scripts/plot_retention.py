"""The forgetting curve of scripts/run_retention.sh: the first cycle's episodes asked closed
book (B3 EM, Wilson 95% interval) after each replay cycle, beside the floor; retention is
each cycle's EM over the EM right after the first cycle (goal: >= 0.9 after five more).

    uv run python scripts/plot_retention.py reports/m4-consolidation/retention
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def read_points(folder: Path) -> list[dict[str, float]]:
    points = []
    cycle = 1
    while (report := folder / f"first-after-{cycle}" / "A_B3_metrics.json").is_file():
        data = json.loads(report.read_text())
        em = data["metrics"]["em"]
        floor = data["baselines"]["B0 no-context (floor)"]["metrics"]["em"]["mean"]
        points.append(
            {"cycle": cycle, "em": em["mean"], "low": em["ci_low"], "high": em["ci_high"],
             "floor": floor, "n": data["n_items"]}
        )  # fmt: skip
        cycle += 1
    return points


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="run_retention.sh's OUT")
    args = parser.parse_args()
    points = read_points(args.folder)
    if not points:
        print(
            f"plot_retention: no first-after-*/A_B3_metrics.json in {args.folder}", file=sys.stderr
        )
        return 2
    first = points[0]["em"]
    for point in points:
        point["retention"] = point["em"] / first if first > 0 else float("nan")
    cycles = [p["cycle"] for p in points]
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.errorbar(
        cycles,
        [p["em"] for p in points],
        yerr=[  # clipped at 0: an interval bound can sit a rounding error past the mean
            [max(0.0, p["em"] - p["low"]) for p in points],
            [max(0.0, p["high"] - p["em"]) for p in points],
        ],
        marker="o",
        capsize=3,
        label="B3: first cycle's episodes, closed book",
    )
    axes.plot(cycles, [p["floor"] for p in points], linestyle="--", label="floor (base, no LoRA)")
    if first > 0:
        axes.axhline(0.9 * first, color="grey", linewidth=0.8, label="0.9 x right after cycle 1")
    axes.set_xlabel("replay cycles consolidated")
    axes.set_ylabel(f"EM (n = {points[0]['n']:.0f})")
    axes.set_ylim(0, 1)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(args.folder / "retention.png", dpi=120)
    (args.folder / "retention.json").write_text(json.dumps(points, indent=2) + "\n")
    for point in points:
        print(
            f"after cycle {point['cycle']}: B3 {point['em']:.3f} [{point['low']:.3f}, "
            f"{point['high']:.3f}], retention {point['retention']:.2f}, floor {point['floor']:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
