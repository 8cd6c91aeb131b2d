"""Everyday notes through `Memory`, as a user meets them: the dev set of
``hei_nw.datasets.notes`` (100 notes written by hand, 117 questions, eight families).

All notes go into one memory with the API's defaults (updates written after the other
notes); each question is asked with nothing in the prompt. Beside it, on the same
questions: the **oracle** (a memory holding only the item's own notes), the **floor**
(the base model with the question alone), the **reference** (the base model with the
item's notes in its prompt) and the **rule parser** reading the memory the reader read.
Scored per family: ``contains`` (the answer span in the answer), for changed facts the
stale rate, for never-stored questions the "I don't know" rate; Wilson intervals.
Writes ``reports/notes-dev/notes.json`` and per-item ``notes_samples.jsonl``.

    uv run python scripts/eval_notes.py          # about 5 minutes on the 2-core CPU
    uv run python scripts/eval_notes.py --answers span --span-reader DIR --out reports/notes-dev/span
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_common import ROOT

from hei_nw.api import DEFAULTS, Engine, Memory
from hei_nw.baselines.rules import rule_answer
from hei_nw.core import versions, write_json_atomic, write_text_atomic
from hei_nw.datasets.notes import FAMILIES, ITEMS, NoteItem, stored_notes
from hei_nw.metrics import contains_answer, wilson_interval
from hei_nw.models import build_prompt, generate_batch, set_seed

OUT = ROOT / "reports" / "notes-dev"
RUNS = ("memory", "oracle", "floor", "reference", "rules")


def base_answers(engine: Engine, prompts: Sequence[str], batch: int) -> list[str]:
    """The frozen base model alone (no reader), greedy, the API's budget and stop."""
    texts: list[str] = []
    for start in range(0, len(prompts), batch):
        generations = generate_batch(
            list(prompts[start : start + batch]),
            max_new_tokens=DEFAULTS.read.max_new_tokens,
            stop=list(DEFAULTS.read.stop),
            model=engine.loaded.model,
            tokenizer=engine.tokenizer,
            chat=DEFAULTS.read.chat,
        )
        texts += [g["text"] for g in generations]
    return texts


def memory_answers(memory: Memory, items: Sequence[NoteItem], batch: int) -> list[dict[str, Any]]:
    rows = []
    for start in range(0, len(items), batch):
        chunk = items[start : start + batch]
        for answer in memory.ask_many([i.question for i in chunk]):
            memory_text = "\n".join(e.text for e in answer.episodes)
            rows.append({"text": answer.text, "known": answer.known, "read": memory_text})
    return rows


def score(item: NoteItem, text: str, known: bool) -> dict[str, float]:
    if item.answer is None:  # never stored: the right answer is "I don't know"
        return {"right": float(not known), "dont_know": float(not known)}
    right = contains_answer(text, item.answer) if known else 0.0
    stale = contains_answer(text, item.stale) if item.stale and known else 0.0
    return {"right": right, "stale": stale, "dont_know": float(not known)}


def rate(values: Sequence[float]) -> dict[str, float]:
    hits = sum(values)
    low, high = wilson_interval(int(hits), len(values))
    return {
        "mean": hits / len(values) if values else 0.0,
        "ci_low": low,
        "ci_high": high,
        "n": len(values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--answers", choices=("generate", "span"), default=DEFAULTS.answers)
    parser.add_argument("--span-reader", default=DEFAULTS.span_reader)
    parser.add_argument("--span-threshold", type=float, default=DEFAULTS.span_threshold)
    parser.add_argument("--out", type=Path, default=None, help="default: reports/notes-dev[/span]")
    args = parser.parse_args()
    args.out = args.out or (OUT if args.answers == "generate" else OUT / "span")
    set_seed(args.seed)
    items = list(ITEMS)
    settings = dataclasses.replace(
        DEFAULTS,
        answers=args.answers,
        span_reader=args.span_reader,
        span_threshold=args.span_threshold,
    )
    engine = Engine.load(settings)
    with tempfile.TemporaryDirectory() as tmp:
        with Memory.open(Path(tmp) / "all", settings=settings, engine=engine) as memory:
            refused = [n for n in stored_notes() if not memory.remember(n).written]
            together = memory_answers(memory, items, args.batch_size)
        oracle = []
        for number, item in enumerate(items):
            with Memory.open(Path(tmp) / f"item-{number}", settings=settings, engine=engine) as own:
                for note in item.notes:
                    own.remember(note)
                oracle += memory_answers(own, [item], 1)
    floor = base_answers(engine, [build_prompt(i.question) for i in items], args.batch_size)
    reference = base_answers(
        engine,
        [build_prompt(i.question, "\n".join(i.notes) or "(none)") for i in items],
        args.batch_size,
    )
    samples: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        answers = {
            "memory": (together[n]["text"], together[n]["known"]),
            "oracle": (oracle[n]["text"], oracle[n]["known"]),
            "floor": (floor[n], True),
            "reference": (reference[n], True),
            "rules": (rule_answer(item.question, together[n]["read"]), True),
        }
        for run, (text, known) in answers.items():
            samples.append({"run": run, "family": item.family, "question": item.question,
                            "expected": item.answer, "stale_value": item.stale,
                            "answer": text, "known": known, **score(item, text, known)})  # fmt: skip
    table: dict[str, Any] = {}
    for family in (*FAMILIES, "answerable"):
        rows = [s for s in samples if s["family"] == family or
                (family == "answerable" and s["expected"] is not None)]  # fmt: skip
        table[family] = {
            run: {k: rate([s[k] for s in rows if s["run"] == run and k in s])
                  for k in ("right", "stale", "dont_know") if any(k in s for s in rows)}
            for run in RUNS
        }  # fmt: skip
    record = {
        "what": "everyday notes through Memory (dev set, hei_nw.datasets.notes)",
        "n_notes": len(stored_notes()), "n_questions": len(items), "refused_notes": refused,
        "settings": {"memory": {k: str(v) for k, v in vars(settings).items()},
                     "batch_size": args.batch_size, "seed": args.seed},
        "by_family": table, "versions": versions(),
    }  # fmt: skip
    write_json_atomic(args.out / "notes.json", record)
    write_text_atomic(
        args.out / "notes_samples.jsonl", "".join(json.dumps(s) + "\n" for s in samples)
    )
    for family, runs in table.items():
        cells = "  ".join(f"{run} {runs[run]['right']['mean']:.2f}" for run in RUNS)
        extra = ""
        if "stale" in runs["memory"]:
            extra = f"  (stale: memory {runs['memory']['stale']['mean']:.2f})"
        print(f"{family:<13} n={runs['memory']['right']['n']:<3} {cells}{extra}")
    print(f"wrote {args.out / 'notes.json'}")


if __name__ == "__main__":
    main()
