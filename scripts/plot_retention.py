"""The forgetting curve of scripts/run_retention.sh: the first cycle's episodes asked closed
book (B3 EM, Wilson 95% interval) after each replay cycle, beside the floor; retention is
each cycle's EM over the EM right after the first cycle (goal: >= 0.9 after five more).
Several folders (runs of different settings) are drawn on one figure.

    uv run python scripts/plot_retention.py reports/m4-consolidation/retention
    uv run python scripts/plot_retention.py RUN_A RUN_B --labels "old queue" "new queue" \
        --out reports/m4-consolidation/retention.png
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from hei_nw.metrics import with_current_names


def read_points(folder: Path) -> list[dict[str, float]]:
    points = []
    cycle = 1
    while (report := folder / f"first-after-{cycle}" / "A_B3_metrics.json").is_file():
        data = with_current_names(json.loads(report.read_text()))
        em = data["metrics"]["strict_em"]
        floor = data["baselines"]["B0 no-context (floor)"]["metrics"]["strict_em"]["mean"]
        points.append(
            {"cycle": cycle, "em": em["mean"], "low": em["ci_low"], "high": em["ci_high"],
             "floor": floor, "n": data["n_items"]}
        )  # fmt: skip
        cycle += 1
    first = points[0]["em"] if points else 0.0
    for point in points:
        point["retention"] = point["em"] / first if first > 0 else float("nan")
    return points


def draw(runs: dict[str, list[dict[str, float]]], out: Path) -> None:
    figure, axes = plt.subplots(figsize=(6, 4))
    for index, (label, points) in enumerate(runs.items()):
        shift = 0.06 * (index - (len(runs) - 1) / 2)  # side by side, so intervals stay apart
        cycles = [p["cycle"] + shift for p in points]
        axes.errorbar(
            cycles,
            [p["em"] for p in points],
            yerr=[  # clipped at 0: an interval bound can sit a rounding error past the mean
                [max(0.0, p["em"] - p["low"]) for p in points],
                [max(0.0, p["high"] - p["em"]) for p in points],
            ],
            marker="o",
            capsize=3,
            label=label,
        )
    first_run = next(iter(runs.values()))
    axes.plot(
        [p["cycle"] for p in first_run],
        [p["floor"] for p in first_run],
        linestyle="--",
        label="floor (base, no LoRA)",
    )
    if first_run[0]["em"] > 0:
        axes.axhline(0.9 * first_run[0]["em"], color="grey", linewidth=0.8,
                     label="0.9 x right after cycle 1")  # fmt: skip
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("replay cycles consolidated")
    axes.set_ylabel(f"EM, first cycle's episodes closed book (n = {first_run[0]['n']:.0f})")
    axes.set_ylim(0, 1)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=120)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+", help="run_retention.sh's OUT folders")
    parser.add_argument("--labels", nargs="+", help="one legend label per folder")
    parser.add_argument("--out", type=Path, help="the PNG (default: FOLDER/retention.png)")
    args = parser.parse_args()
    labels = args.labels or [f"B3: {folder.name}" for folder in args.folders]
    if len(labels) != len(args.folders):
        print("plot_retention: give one --labels entry per folder", file=sys.stderr)
        return 2
    runs = {}
    for label, folder in zip(labels, args.folders, strict=True):
        points = read_points(folder)
        if not points:
            print(
                f"plot_retention: no first-after-*/A_B3_metrics.json in {folder}", file=sys.stderr
            )
            return 2
        (folder / "retention.json").write_text(json.dumps(points, indent=2) + "\n")
        runs[label] = points
        for point in points:
            print(
                f"{label}: after cycle {point['cycle']}: B3 {point['em']:.3f} "
                f"[{point['low']:.3f}, {point['high']:.3f}], retention {point['retention']:.2f}, "
                f"floor {point['floor']:.3f}"
            )
    out = args.out or args.folders[0] / "retention.png"
    draw(runs, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
