"""`harness --mode B1` writes complete reports: memory beside floor and reference, the
reader's identity, paired fields; readers come from flags; bad readers fail in one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hei_nw.eval import prompt_hash
from hei_nw.models import MemoryReader, build_memory_reader, weights_sha256
from hei_nw.models.testing import tiny_model

B1_FIELDS = (
    "adapter_latency_overhead_s",
    "b1_b0_latency_ratio",
    "read_layers",
    "predictions_identical_to_b0",
    "prediction_mismatches",
    "b1_latency_median_s",
    "reader",
)


def test_an_empty_b1_run_writes_its_metrics_and_report(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    """The founding plan's acceptance check: ``--mode B1 -n 0 --outdir DIR``."""
    args = ("--mode", "B1", "-n", "0", "--model", str(tiny_model_dir), "--outdir", str(tmp_path))
    assert harness(*args) == 0
    report = read_json(tmp_path / "A_B1_metrics.json")
    assert report["n_items"] == 0 and report["mode"] == "B1"
    assert (tmp_path / "A_B1_report.md").read_text().strip()


@pytest.mark.parametrize("n", [1, 2])
def test_b1_runs_and_writes_reports(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
    n: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("--mode", "B1", "-n", str(n), "--model", str(tiny_model_dir), "--outdir", str(tmp_path))
    assert harness(*args, "--max-new-tokens", "4") == 0
    report = read_json(tmp_path / "A_B1_metrics.json")
    for field in B1_FIELDS:
        assert report["summary"][field] is not None, field
    assert report["summary"]["paired_items"] == n
    assert len(report["items"]) == n
    assert set(report["baselines"]) == {"episode_in_prompt", "no_memory_floor", "rules"}
    # The rule parser read the same memory the reader read, item by item.
    rules = report["baselines"]["rules"]["items"]
    assert [r["memory_token_ids"] for r in rules] == [
        i["memory_token_ids"] for i in report["items"]
    ]
    axes = {(row["axis"], row["value"]) for row in report["families"]}
    assert {("scenario", "A"), ("forms", "heldout"), ("values", "plain")} <= axes
    assert set(report["families"][0]["runs"]) == {"B1", *report["baselines"]}
    if n:
        runs = report["comparison"]["runs"]
        assert set(runs) == {
            "B1 memory-only",
            "B0 no-context (floor)",
            "B0 episode in prompt (reference)",
            "rules (same memory)",
        }
        assert report["comparison"]["memory_minus_floor_em"]["n"] == n
        md = (tmp_path / "A_B1_report.md").read_text()
        assert "Memory vs floor vs reference" in md and "By family" in md
        out = capsys.readouterr().out
        assert "B1 memory-only - B0 no-context (floor) strict EM" in out
        raw = json.loads((tmp_path / "A_B1_metrics.json").read_text())
        assert "items" not in raw
        lines = {"main": n, "episode_in_prompt": n, "no_memory_floor": n, "rules": n}
        assert raw["samples"] == {"file": "A_B1_samples.jsonl", "lines": lines}
        for sample in report["items"]:
            assert prompt_hash(sample["prompt"]) == sample["prompt_hash"]
            assert sample["memory_token_ids"] and sample["memory_text"]
            assert {"strict_em", "squad_em", "f1", "contains", "latency_s"} <= set(sample)
        assert all(
            "memory_token_ids" not in s for s in report["baselines"]["no_memory_floor"]["items"]
        )


def _without_timings(value: Any) -> Any:
    """``value`` with every wall-clock field dropped (they differ run to run)."""
    if isinstance(value, dict):
        return {
            k: _without_timings(v)
            for k, v in value.items()
            if not any(word in k for word in ("latency", "wall", "elapsed"))
        }
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def test_same_command_and_seed_give_identical_reports_apart_from_timings(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    args = ("--mode", "B1", "-n", "3", "--model", str(tiny_model_dir), "--outdir", str(tmp_path))
    assert harness(*args, "--max-new-tokens", "3") == 0
    first = read_json(tmp_path / "A_B1_metrics.json")
    assert harness(*args, "--max-new-tokens", "3") == 0
    second = read_json(tmp_path / "A_B1_metrics.json")
    assert first["latency_s"]["count"] == 3
    assert _without_timings(first) == _without_timings(second)


def test_b1_with_saved_reader_and_with_fresh_layers(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    reader = build_memory_reader(tiny_model("llama"), (1, 3), copy=True)
    reader.save_pretrained(tmp_path / "reader")
    common = ("--mode", "B1", "-n", "2", "--model", str(tiny_model_dir), "--max-new-tokens", "4")
    assert (
        harness(*common, "--adapter", str(tmp_path / "reader"), "--outdir", str(tmp_path / "a"))
        == 0
    )
    summary = read_json(tmp_path / "a" / "A_B1_metrics.json")["summary"]
    assert summary["reader_sha256"] == weights_sha256(tmp_path / "reader")
    assert summary["read_layers"] == [1, 3] and summary["copy_head"] is True
    assert harness(*common, "--adapter-layers", "0,2", "--outdir", str(tmp_path / "b")) == 0
    summary = read_json(tmp_path / "b" / "A_B1_metrics.json")["summary"]
    assert summary["read_layers"] == [0, 2] and summary["copy_head"] is False
    assert isinstance(
        MemoryReader.from_pretrained(tmp_path / "reader", tiny_model("llama")), MemoryReader
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--adapter", "/nonexistent/reader"), "not a saved memory reader"),
        (("--adapter-layers", "3,1"), "sorted and without repeats"),
        (("--adapter-layers", "0,9"), "must lie in 0..3"),
    ],
)
def test_bad_readers_exit_2_with_one_line(
    harness: Callable[..., int],
    tmp_path: Path,
    tiny_model_dir: Path,
    capsys: pytest.CaptureFixture[str],
    flags: tuple[str, ...],
    message: str,
) -> None:
    code = harness(
        "--mode", "B1", "-n", "1", "--model", str(tiny_model_dir), "--outdir", str(tmp_path), *flags
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "A_B1_metrics.json").exists()
