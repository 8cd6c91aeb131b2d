"""Replay cycles on a tiny model: each cycle starts from the last one's LoRA and replays old
episodes; a rerun skips finished cycles; a LoRA of another shape is refused in one line."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from peft import get_peft_model_state_dict
from safetensors.torch import load_file

from hei_nw.consolidate import (
    ConsolidationConfig,
    ConsolidationError,
    LoraError,
    LoraSettings,
    consolidate,
    consolidate_cycles,
    read_record,
)
from hei_nw.memory import Episode
from hei_nw.models.testing import shared_tokenizer, tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CONFIG = ConsolidationConfig(
    epochs=2,
    lr=1e-2,
    batch_size=8,
    reading_per_episode=0,
    generic_per_step=0,
    warmup_steps=1,
    lora=LoraSettings(rank=4, alpha=8),
)


def episode(row: int, who: str, what: str) -> Episode:
    trace = {"who": who, "what": what, "where": "Mill Yard", "when": f"2025-0{row + 1}-02"}
    return Episode(f"ep-{row:08d}", trace, f"{who} left a {what} at Mill Yard.", {})


ARRIVALS = [
    [episode(0, "Dara Quill", "blue kettle"), episode(1, "Omar Vale", "red scarf")],
    [episode(2, "Ines Brook", "old lantern")],
]


def test_each_cycle_starts_from_the_last_and_replays_old_episodes(tmp_path: Path) -> None:
    tokenizer = shared_tokenizer()
    folders = consolidate_cycles(
        tiny_model("llama", seed=0), tokenizer, ARRIVALS, tmp_path, CONFIG, progress=False
    )
    assert folders == [tmp_path / "cycle-1", tmp_path / "cycle-2"]
    first, second = read_record(folders[0]), read_record(folders[1])
    assert first["new_episodes"] == ["ep-00000000", "ep-00000001"]
    assert first["replayed_episodes"] == [] and first["initial"] is None
    assert second["new_episodes"] == ["ep-00000002"] and len(second["replayed_episodes"]) == 1
    assert second["initial"] == str(folders[0])
    assert "old lantern" in second["answers"] and "old lantern" not in first["answers"]
    # The second cycle's LoRA before its first step is exactly the first cycle's.
    start, _ = consolidate(
        tiny_model("llama", seed=0),
        tokenizer,
        ARRIVALS[1],
        tmp_path / "probe",
        CONFIG,
        progress=False,
        max_steps=0,
        initial=folders[0],
    )
    saved = load_file(str(folders[0] / "adapter_model.safetensors"))
    loaded = get_peft_model_state_dict(start)
    assert saved.keys() == loaded.keys()
    assert all(torch.equal(saved[k], loaded[k]) for k in saved)
    # A rerun finds both cycles saved and trains nothing.
    stamps = [(f / "adapter_model.safetensors").stat().st_mtime_ns for f in folders]
    again = consolidate_cycles(
        tiny_model("llama", seed=0), tokenizer, ARRIVALS, tmp_path, CONFIG, progress=False
    )
    assert [(f / "adapter_model.safetensors").stat().st_mtime_ns for f in again] == stamps


def test_repeated_ids_and_a_lora_of_another_shape_are_one_line(tmp_path: Path) -> None:
    tokenizer = shared_tokenizer()
    with pytest.raises(ConsolidationError, match="ids repeat"):
        consolidate_cycles(
            tiny_model("llama", seed=0), tokenizer, [ARRIVALS[0], ARRIVALS[0]], tmp_path, CONFIG
        )
    consolidate(tiny_model("llama", seed=0), tokenizer, ARRIVALS[0], tmp_path / "r4", CONFIG)
    wider = replace(CONFIG, lora=LoraSettings(rank=8, alpha=16))
    with pytest.raises(LoraError, match="does not fit") as error:
        consolidate(
            tiny_model("llama", seed=0),
            tokenizer,
            ARRIVALS[1],
            tmp_path / "r8",
            wider,
            progress=False,
            initial=tmp_path / "r4",
        )
    assert "\n" not in str(error.value)
