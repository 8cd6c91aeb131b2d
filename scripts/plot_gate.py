"""Plots of a ``--memory gated`` run: the reliability diagram and the write rate over the stream.

uv run python scripts/plot_gate.py reports/m3-gate/A_B1_metrics.json
-> gate_reliability.png and gate_rate.png beside the metrics file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def reliability_figure(gate: dict[str, Any], path: Path) -> None:
    calibration = gate["calibration"]
    bins = calibration["bins"]
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect calibration")
    ax.plot(
        [b["confidence"] for b in bins],
        [b["accuracy"] for b in bins],
        marker="o",
        label=f"gate (Platt), ECE {calibration['ece']:.3f}",
    )
    for b in bins:
        ax.annotate(
            f"n={b['n']}",
            (b["confidence"], b["accuracy"]),
            fontsize=7,
            xytext=(3, -9),
            textcoords="offset points",
        )
    ax.set_xlabel("predicted probability that a later question needs it")
    ax.set_ylabel("share actually needed")
    ax.set_title("Write gate: reliability on the test stream")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def rate_figure(gate: dict[str, Any], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for rate, run in gate["online"].items():
        series = run["per_1k_by_window"]
        line = ax.plot(
            range(1, len(series) + 1),
            series,
            marker=".",
            label=f"target {rate}/1k (realised {run['realised_per_1k']:.2f})",
        )
        ax.axhline(float(rate), color=line[0].get_color(), linestyle=":", linewidth=1)
    ax.set_xlabel("stream position (windows of 1,000 tokens)")
    ax.set_ylabel("writes per 1,000 tokens")
    ax.set_title("Rate-tracking threshold over the stream")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    metrics = Path(argv[0])
    gate = json.loads(metrics.read_text(encoding="utf-8"))["summary"]["gate"]
    reliability_figure(gate, metrics.parent / "gate_reliability.png")
    rate_figure(gate, metrics.parent / "gate_rate.png")
    print(metrics.parent / "gate_reliability.png")
    print(metrics.parent / "gate_rate.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
