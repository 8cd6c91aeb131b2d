"""Consolidating a memory for users: ``hei-nw consolidate`` trains the current episodes into
a LoRA in the memory's folder, resumes an interrupted run, checks the LoRA on the memory's
own held-out questions, and ``ask(closed_book=True)`` answers from it; the base the
other reads use is left exactly as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from hei_nw.api import Memory, MemoryUsageError
from hei_nw.api.cli import main
from hei_nw.api.consolidation import (
    CHECK,
    LORA,
    PLAN,
    WORK,
    consolidate_memory,
    reading_lora,
    status_lines,
)
from hei_nw.consolidate import ConsolidationConfig, LoraSettings, check_questions
from hei_nw.models.testing import save_tiny_model_and_reader

os.environ.setdefault("HF_HUB_OFFLINE", "1")

NOTES = [
    "Parking: level 3, spot B12.",
    "The boiler was serviced by Ferrow Heating on 3 May.",
    "Dana's flight to Porto is TP 1337 on Friday.",
]
SMALL = ConsolidationConfig(
    epochs=2,
    batch_size=2,
    forms=1,
    generic_per_step=1,
    checkpoint_every=1,
    warmup_steps=1,
    lora=LoraSettings(rank=2, alpha=4),
)


@pytest.fixture(scope="module")
def tiny_parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    model, reader = save_tiny_model_and_reader(tmp_path_factory.mktemp("tiny"))
    return str(model), str(reader)


def _logits(memory: Memory) -> torch.Tensor:
    with torch.no_grad():
        logits: torch.Tensor = memory.engine.loaded.model(torch.tensor([[1, 2, 3, 4, 5, 6]])).logits
    return logits.clone()


def test_consolidation_resumes_checks_and_answers_closed_book(
    tmp_path: Path, tiny_parts: tuple[str, str]
) -> None:
    with Memory.open(tmp_path / "m", *tiny_parts) as memory:
        ids = [memory.remember(note).id for note in NOTES]
        moved = memory.remember("Parking: level 4, spot C7.", replaces=ids[0])
        base = _logits(memory)
        first = consolidate_memory(memory, SMALL, progress=False, max_steps=1)
        assert first["finished"] is False and (tmp_path / "m" / WORK / "checkpoint.pt").is_file()
        assert any(line.startswith("unfinished: 3 episodes") for line in status_lines(memory))
        plan = json.loads((tmp_path / "m" / WORK / PLAN).read_text())
        assert plan["episodes"] == [ids[1], ids[2], moved.id]  # the superseded note is not
        check = consolidate_memory(memory, SMALL, progress=False)  # resumes
        assert torch.equal(_logits(memory), base)  # the LoRA is off: the base, exactly
        lora = tmp_path / "m" / LORA
        record = json.loads((lora / "consolidation.json").read_text())
        assert record["steps"] == record["planned_steps"] and not (tmp_path / "m" / WORK).exists()
        assert check["questions"] == json.loads((lora / CHECK).read_text())["questions"] > 0
        assert reading_lora(memory) == (lora if check["read_with_lora"] else None)
        closed = memory.ask("Where did I park?", closed_book=True)
        assert not closed.memory_used and closed.episodes == () and "closed book" in closed.reason
        assert torch.equal(_logits(memory), base)
        lines = status_lines(memory)
        assert lines[0].startswith("consolidated: 3 episodes, finished ")
        memory.remember("The gate code is 4410.")
        assert "new since: 1 current episodes not in the weights" in status_lines(memory)


def test_a_run_over_other_episodes_starts_over(tmp_path: Path, tiny_parts: tuple[str, str]) -> None:
    with Memory.open(tmp_path, *tiny_parts) as memory:
        memory.remember(NOTES[0])
        memory.remember(NOTES[1])
        consolidate_memory(memory, SMALL, progress=False, max_steps=1)
        memory.remember(NOTES[2])
        consolidate_memory(memory, SMALL, progress=False)
        done = json.loads((tmp_path / LORA / "consolidation.json").read_text())
    assert len(done["episodes"]) == 3 and done["steps"] == done["planned_steps"]


def test_reading_with_the_lora_follows_the_memorys_own_check(
    tmp_path: Path, tiny_parts: tuple[str, str]
) -> None:
    with Memory.open(tmp_path, *tiny_parts) as memory:
        memory.remember(NOTES[0])
        consolidate_memory(memory, SMALL, progress=False)
        path = tmp_path / LORA / CHECK
        for verdict in (True, False):
            path.write_text(json.dumps(json.loads(path.read_text()) | {"read_with_lora": verdict}))
            assert reading_lora(memory) == (tmp_path / LORA if verdict else None)
            assert memory.ask("Where did I park?").memory_used


def test_check_questions_use_wordings_training_never_does() -> None:
    trace = {"who": "Dana Varn", "what": "red backpack", "where": "Café Lumen"}
    asked = check_questions(trace, "")
    assert len(asked) == 3 and all(q.startswith("Thinking of") for q, _ in asked)
    text = check_questions({}, "Parking: level 3, spot B12. Call Mira at noon.")
    assert text == [
        ("Complete this from memory: Parking: level ___, spot B12.", "3"),
        ("Complete this from memory: Call ___ at noon.", "Mira"),
    ]


def test_the_cli_consolidates_says_its_status_and_refuses_in_one_line(
    tmp_path: Path, tiny_parts: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(tmp_path / "cli")
    assert main(["consolidate", "--store", folder, "--status"]) == 0
    assert "has no consolidated weights yet (0 current episodes)" in capsys.readouterr().out
    assert main(["consolidate", "--store", folder]) == 2
    assert "nothing to consolidate" in capsys.readouterr().err
    with Memory.open(folder, *tiny_parts) as memory:
        memory.remember(NOTES[1])
        with pytest.raises(MemoryUsageError, match="no consolidated weights: run `hei-nw"):
            memory.ask("Who serviced the boiler?", closed_book=True)
    assert main(["consolidate", "--store", folder, "--epochs", "0"]) == 2
    assert "--epochs must be a positive number" in capsys.readouterr().err
