"""The frozen base a reader trains against: model, tokenizer and the ids training needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from hei_nw.models import load_model
from hei_nw.train.config import TrainConfig


@dataclass(frozen=True)
class LoadedBase:
    """A frozen model with its tokenizer, identity, stop and pad ids."""

    model: Any
    tokenizer: Any
    model_id: str
    revision: str | None
    stop_id: int
    pad_id: int


def load_base_for_training(config: TrainConfig, device: torch.device) -> LoadedBase:
    """Load the base (or the smoke preset's tiny random model), frozen explicitly.

    The stop id is the token generation ends on - the tokenizer's EOS, which for
    chat models is the end-of-turn token (``<|im_end|>`` for SmolLM2). A reader
    trained to end answers with anything else never stops.
    """
    if config.tiny_model:
        from hei_nw.models.testing import shared_tokenizer, tiny_model

        model, tokenizer = tiny_model("llama", seed=config.seed).to(device), shared_tokenizer()
        model_id, revision = config.base_model_id(), None
    else:
        loaded = load_model(config.model, dtype="float32", device=device)
        model, tokenizer = loaded.model, loaded.tokenizer
        model_id, revision = loaded.model_id, loaded.revision
    model.requires_grad_(False)
    model.eval()
    stop_id = tokenizer.eos_token_id
    if not isinstance(stop_id, int):
        raise ValueError(
            f"{model_id}: the tokenizer has no end-of-sequence token to stop answers on"
        )
    pad_id = tokenizer.pad_token_id if isinstance(tokenizer.pad_token_id, int) else stop_id
    return LoadedBase(model, tokenizer, model_id, revision, stop_id, pad_id)
