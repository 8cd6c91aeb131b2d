"""Compare two metrics files (a baseline and a candidate) on the items they share.

Prints one table row of strict EM / SQuAD EM / F1 deltas (candidate - baseline) with
paired bootstrap 95% intervals, prediction flips and the candidate/baseline
latency ratio.
Exit codes: 0 within tolerance, 1 an EM or F1 delta exceeds it, 2 the inputs
cannot be compared (missing, malformed, different runs, nothing shared).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hei_nw.eval import ReportError, load_report
from hei_nw.harness.args import HelpFormatter
from hei_nw.metrics import paired_bootstrap

COMPARED = ("strict_em", "squad_em", "f1")
GATED = ("strict_em", "f1")
EXIT_OK, EXIT_DELTA, EXIT_INPUT = 0, 1, 2


class CompareError(Exception):
    """The two files cannot be compared; the message says why."""


def load_metrics(path: str | Path) -> dict[str, Any]:
    """A run's report with its per-item samples; one-line errors as :class:`CompareError`."""
    try:
        return load_report(path)
    except ReportError as exc:
        raise CompareError(str(exc)) from None


def _same_run(a: dict[str, Any], b: dict[str, Any]) -> None:
    identity = {
        "scenario": (a.get("scenario"), b.get("scenario")),
        "seed": (a["config"].get("seed"), b["config"].get("seed")),
        "model": (a["config"].get("model"), b["config"].get("model")),
    }
    for what, (left, right) in identity.items():
        if left != right:
            raise CompareError(f"the runs differ in {what}: {left!r} vs {right!r}")


def compare(
    b0: dict[str, Any], b1: dict[str, Any], max_delta: float = 0.1, max_flips: int | None = None
) -> tuple[int, str]:
    """The comparison's exit code and its printed text.

    Exit 1 when an EM/F1 delta exceeds ``max_delta`` or more than ``max_flips``
    predictions changed (metrics can agree while every answer flips).
    """
    try:
        return _compare(b0, b1, max_delta, max_flips)
    except (KeyError, TypeError, ValueError) as exc:
        raise CompareError(
            f"an item lacks a field the comparison needs or holds a bad value ({exc!r})"
        ) from None


def _compare(
    b0: dict[str, Any], b1: dict[str, Any], max_delta: float, max_flips: int | None
) -> tuple[int, str]:
    _same_run(b0, b1)
    b0_items = {item["id"]: item for item in b0["items"]}
    shared = [(b0_items[item["id"]], item) for item in b1["items"] if item["id"] in b0_items]
    if not shared:
        raise CompareError("the runs share no items (compare runs of the same scenario and seed)")
    cells, failed = [], []
    for metric in COMPARED:
        stats = paired_bootstrap(
            [float(x[metric]) for x, _ in shared], [float(y[metric]) for _, y in shared]
        )
        cells.append(
            f"{metric} {stats['mean_diff']:+.3f} [{stats['ci_low']:+.3f}, {stats['ci_high']:+.3f}]"
        )
        if metric in GATED and abs(stats["mean_diff"]) > max_delta:
            failed.append(f"{metric} delta {stats['mean_diff']:+.3f} exceeds ±{max_delta}")
    flips = sum(x["prediction"] != y["prediction"] for x, y in shared)
    if max_flips is not None and flips > max_flips:
        failed.append(f"{flips} predictions flipped, more than --max-flips {max_flips}")
    b0_latency = statistics.median(float(x["latency_s"]) for x, _ in shared)
    b1_latency = statistics.median(float(y["latency_s"]) for _, y in shared)
    ratio = b1_latency / b0_latency if b0_latency > 0 else float("nan")
    header = (
        f"scenario {b1['scenario']} | {len(shared)} shared items "
        f"(baseline {len(b0['items'])}, candidate {len(b1['items'])}) | "
        "deltas candidate - baseline with 95% paired bootstrap"
    )
    row = " | ".join([*cells, f"flips {flips}", f"latency candidate/baseline {ratio:.3f}"])
    lines = [header, row, *failed]
    return (EXIT_DELTA if failed else EXIT_OK), "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="harness compare",
        description="Compare two metrics JSON files of the same scenario, seed and model item "
        "by item: EM / relaxed EM / F1 deltas (candidate - baseline) with paired bootstrap "
        "intervals, changed predictions and the latency ratio.",
        epilog="exit codes:\n"
        "  0  within tolerance\n"
        "  1  an EM or F1 delta exceeds --max-delta, or more than --max-flips predictions changed\n"
        "  2  the files cannot be compared (missing, malformed, different runs, no shared items)",
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "baseline",
        help="metrics JSON of the reference run (e.g. reports/baseline/A_B0_metrics.json)",
    )
    parser.add_argument(
        "candidate", help="metrics JSON of the run judged against it (same scenario and seed)"
    )
    parser.add_argument(
        "--max-delta", type=float, default=0.1, help="largest EM/F1 delta allowed (absolute)"
    )
    parser.add_argument(
        "--max-flips",
        type=int,
        default=None,
        help="most changed predictions allowed (default: any number)",
    )
    args = parser.parse_args(argv)
    try:
        code, text = compare(
            load_metrics(args.baseline),
            load_metrics(args.candidate),
            args.max_delta,
            args.max_flips,
        )
    except CompareError as exc:
        print(f"compare: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(text)
    return code
