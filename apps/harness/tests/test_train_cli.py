"""`harness train --preset smoke`: a tiny model learns the toy copy task on CPU, resumably."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hei_nw.harness import main
from hei_nw.models import MemoryReader
from hei_nw.models.testing import tiny_model


def test_smoke_preset_learns_to_copy_and_saves_a_reader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "--preset", "smoke", "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "held-out EM" in out and "saved reader" in out
    log = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    assert len(log) == 120
    first, last = sum(e["loss"] for e in log[:10]) / 10, sum(e["loss"] for e in log[-10:]) / 10
    assert last < first - 1.0
    record = json.loads((tmp_path / "training_record.json").read_text())
    # Chance of copying a random 1-3 token value exactly is ~0; the floor is 0.
    assert record["held_out"]["floor_em"] == 0.0
    assert record["held_out"]["em"] >= 0.1
    assert (tmp_path / "training_curves.png").stat().st_size > 0
    reader = MemoryReader.from_pretrained(tmp_path, tiny_model("llama"))
    assert reader.config.training is not None and reader.config.training["steps"] == 120
    # The record names the model it trained, not the default model beside tiny_model.
    assert record["config"]["model"] == "tiny-llama-seed0" and record["config"]["tiny_model"]


def test_resume_without_a_checkpoint_is_an_error_not_a_fresh_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "--preset", "smoke", "--out", str(tmp_path), "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("harness train: error: --resume:") and "--resume-or-start" in err
    assert "\n" not in err
    assert not list(tmp_path.iterdir())  # nothing trained


def test_resume_or_start_says_it_starts_afresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["train", "--preset", "smoke", "--steps", "2", "--eval-n", "2", "--quiet"]
    assert main([*args, "--out", str(tmp_path), "--resume-or-start"]) == 0
    assert "no checkpoint" in capsys.readouterr().err
    assert (tmp_path / "adapter_config.json").is_file()


def test_out_naming_a_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    assert main(["train", "--preset", "smoke", "--out", str(file)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_help_shows_each_presets_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--steps", "--lr", "--batch-size", "--task"):
        assert f"{option} " in text
    assert "smoke 120, smollm2 450" in text  # --steps, from the presets themselves


def test_train_rejects_bad_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["train", "--preset", "nope", "--out", str(tmp_path)])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
