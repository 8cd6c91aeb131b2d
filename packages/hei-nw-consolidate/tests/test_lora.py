"""LoRA on PEFT: a fresh or disabled LoRA is exactly the base; save, load, refuse a wrong base."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import torch

from hei_nw.consolidate import (
    DRIFT_LIMIT,
    LoraError,
    LoraSettings,
    attach_lora,
    load_lora,
    perplexity_drift,
    read_record,
    save_lora,
)
from hei_nw.models.testing import shared_tokenizer, tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def tokenizer() -> Any:
    return shared_tokenizer()


@pytest.fixture
def model() -> Any:
    return tiny_model("llama", seed=0)


IDS = torch.tensor([[1, 520, 2213, 314, 260, 4025, 30]])


def logits(model: Any) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=IDS).logits  # type: ignore[no-any-return]


def perturb(model: Any, scale: float = 0.5) -> None:
    """Make the LoRA's update non-zero (as training would)."""
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * scale)


def test_a_fresh_lora_and_a_disabled_one_equal_the_base_exactly(model: Any) -> None:
    base = logits(model)
    peft = attach_lora(model, LoraSettings(rank=4, alpha=8))
    assert torch.equal(logits(peft), base)  # lora_B starts at zero
    perturb(peft)
    assert not torch.equal(logits(peft), base)
    with peft.disable_adapter():
        assert torch.equal(logits(peft), base)
    trainable = {n for n, p in peft.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)  # the base is frozen


def test_save_and_load_round_trip_with_the_record(model: Any, tmp_path: Path) -> None:
    peft = attach_lora(model, LoraSettings(rank=4, alpha=8))
    perturb(peft)
    expected = logits(peft)
    save_lora(peft, tmp_path / "lora", {"episodes": ["ep-1"]})
    record = read_record(tmp_path / "lora")
    assert record["episodes"] == ["ep-1"]
    assert record["base"]["hidden_size"] == 64
    again = load_lora(tiny_model("llama", seed=0), tmp_path / "lora")
    assert torch.equal(logits(again), expected)


def test_a_lora_for_another_base_or_a_bad_folder_is_one_line(model: Any, tmp_path: Path) -> None:
    save_lora(attach_lora(model, LoraSettings(rank=4, alpha=8)), tmp_path / "lora", {})
    other = tiny_model("llama", seed=0, hidden_size=128, num_attention_heads=4)
    with pytest.raises(LoraError, match=r"another base model .*hidden_size 64 != 128") as caught:
        load_lora(other, tmp_path / "lora")
    assert "\n" not in str(caught.value)
    with pytest.raises(LoraError, match="not a folder"):
        read_record(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoraError, match="holds no consolidated LoRA"):
        read_record(tmp_path / "empty")
    (tmp_path / "lora" / "consolidation.json").write_text("{broken")
    with pytest.raises(LoraError, match="cannot be read"):
        read_record(tmp_path / "lora")


def test_the_drift_check_passes_an_unchanged_lora_and_fails_a_damaging_one(
    model: Any, tokenizer: Any
) -> None:
    texts = ["The river rose after three days of rain.", "Markets opened lower on Monday."]
    peft = attach_lora(model, LoraSettings(rank=4, alpha=8))
    unchanged = perplexity_drift(peft, tokenizer, texts)
    assert unchanged.ratio == 1.0 and unchanged.within_limit
    perturb(peft, scale=2.0)
    damaged = perplexity_drift(peft, tokenizer, texts)
    assert damaged.ratio > DRIFT_LIMIT and not damaged.within_limit
    assert damaged.as_dict()["ok"] is False
