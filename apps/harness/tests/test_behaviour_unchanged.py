"""B0 and B1 on A-E (n = 8, the tiny model, a saved open-gated reader) reproduce the
predictions, prompt hashes and scores recorded before the modes moved into the
library (``data/expected_runs.json``; ``data/open-reader`` is the reader), on the
test vocabulary in training's question forms, as recorded. ``B/B1`` was re-recorded
when scenario B's trace gave the new value a slot of its own, and ``B/B1``, ``D/B1``
and ``E/B1`` again when their memory came to hold what a store would recall (B's
original fact and update, D's near-collisions, E's transcript parts): their memory
tokens changed, their prompts and both baselines did not. B1's rule-parser baseline
came later and is not part of the record."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).with_name("data")
EXPECTED: dict[str, Any] = json.loads((DATA / "expected_runs.json").read_text(encoding="utf-8"))


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    runs = {"main": report["items"], **{k: v["items"] for k, v in report["baselines"].items()}}
    return {
        run: {
            "predictions": [i["prediction"] for i in items],
            "prompt_hashes": [i["prompt_hash"] for i in items],
            "em": sum(i["strict_em"] for i in items),  # recorded as "em" (strict)
            "f1": round(sum(i["f1"] for i in items), 9),
        }
        for run, items in runs.items()
    }


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_modes_reproduce_the_recorded_runs(
    key: str,
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    scenario, mode = key.split("/")
    reader = ("--adapter", str(DATA / "open-reader")) if mode == "B1" else ()
    args = ("--mode", mode, "--scenario", scenario, "-n", "8", "--model", str(tiny_model_dir))
    options = ("--max-new-tokens", "4", "--batch-size", "4", "--outdir", str(tmp_path / "run"))
    as_recorded = ("--split", "test", "--forms", "train", "--test-log", str(tmp_path / "log.md"))
    assert harness(*args, *options, *as_recorded, *reader) == 0
    report = read_json(tmp_path / "run" / f"{scenario}_{mode}_metrics.json")
    summary = summarise(report)
    assert {run: summary[run] for run in EXPECTED[key]} == EXPECTED[key]
