"""Latency of one ask through ``Memory``: span answers against generated ones, side by side.

Two memories hold the same 20 everyday notes (the notes dev set's first ones); one
answers with the span reader (``answers="span"``, the default), the other with the
copy-head reader (``answers="generate"``). Each round asks both the same question, in
alternating order, after a warm-up; the ratio is span / generate per pair. Writes
``reports/bench/answer_latency.json``.

    uv run python scripts/bench_answer_latency.py             # 15 interleaved pairs
    uv run python scripts/bench_answer_latency.py --rounds 3  # a quick look
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from bench_common import machine, spread, write_result

from hei_nw.api import DEFAULTS, Memory
from hei_nw.core import versions
from hei_nw.datasets.notes import ITEMS, stored_notes

MODES = ("span", "generate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved pairs")
    args = parser.parse_args()
    notes = stored_notes()[:20]
    questions = [item.question for item in ITEMS if set(item.notes) & set(notes)]
    seconds: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        memories = {
            mode: Memory.open(
                Path(tmp) / mode, settings=dataclasses.replace(DEFAULTS, answers=mode)
            )
            for mode in MODES
        }
        for memory in memories.values():
            for note in notes:
                memory.remember(note)
            memory.ask(questions[0])  # loads the model and reader: not timed
        for round_number in range(args.rounds):
            question = questions[round_number % len(questions)]
            order = MODES if round_number % 2 == 0 else MODES[::-1]
            for mode in order:
                began = time.perf_counter()
                memories[mode].ask(question)
                seconds[mode].append(time.perf_counter() - began)
        for memory in memories.values():
            memory.close()
    ratios = [s / g for s, g in zip(seconds["span"], seconds["generate"], strict=True)]
    result = {
        "what": "one ask through Memory, 20 notes stored, recall_k default; span / generate",
        "seconds": {mode: spread(values) for mode, values in seconds.items()},
        "ratio_span_over_generate": spread(ratios),
        "rounds": args.rounds,
        "machine": machine(),
        "versions": versions(),
    }
    path = write_result("answer_latency", result)
    print(
        f"span {result['seconds']['span']['median']:.3f} s, generate "
        f"{result['seconds']['generate']['median']:.3f} s per ask (medians of {args.rounds}); "
        f"span/generate {result['ratio_span_over_generate']['median']:.2f} "
        f"[{result['ratio_span_over_generate']['q1']:.2f}, "
        f"{result['ratio_span_over_generate']['q3']:.2f}]; wrote {path}"
    )


if __name__ == "__main__":
    main()
