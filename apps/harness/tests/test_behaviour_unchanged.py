"""B0 and B1 on A-E (n = 8, the tiny model, a saved open-gated reader) reproduce the
predictions, prompt hashes and scores recorded before the modes moved into the
library (``data/expected_runs.json``; ``data/open-reader`` is the reader). ``B/B1``
was re-recorded when scenario B's trace gave the new value a slot of its own: its
memory tokens changed, its prompts and both baselines did not."""

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
            "em": sum(i["em"] for i in items),
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
    options = ("--max-new-tokens", "4", "--batch-size", "4", "--outdir", str(tmp_path))
    assert harness(*args, *options, *reader) == 0
    report = read_json(tmp_path / f"{scenario}_{mode}_metrics.json")
    assert summarise(report) == EXPECTED[key]
