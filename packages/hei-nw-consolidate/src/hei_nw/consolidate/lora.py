"""Low-rank weights on the frozen base, through PEFT: attach, save, load, detach.

The base model's weights are never changed: PEFT wraps its linear layers, the
LoRA update starts at zero (so a fresh LoRA equals the base), and
``with model.disable_adapter():`` runs the base exactly (tested with
``torch.equal``). A saved LoRA folder is PEFT's ``save_pretrained`` output plus
``consolidation.json``, the record of what was consolidated and on which base;
loading it onto another base is a one-line :class:`LoraError`, not a shape
mismatch deep inside PEFT.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from peft import LoraConfig, PeftModel, get_peft_model, set_peft_model_state_dict
from safetensors.torch import load_file

from hei_nw.core import write_json_atomic

RECORD = "consolidation.json"


class LoraError(ValueError):
    """A LoRA folder that cannot be used here; the message is one line for users."""


@dataclass(frozen=True)
class LoraSettings:
    """LoRA shape. Defaults: rank 16 on every linear layer - the H100 trial used rank
    32, but on 100 episodes rank 16 learned the rows as well at half the weights;
    alpha = 2 x rank is PEFT's common scaling; no dropout (rows are few and distinct)."""

    rank: int = 16
    alpha: int = 32
    dropout: float = 0.0
    target_modules: str = "all-linear"

    def config(self) -> LoraConfig:
        return LoraConfig(
            r=self.rank,
            lora_alpha=self.alpha,
            lora_dropout=self.dropout,
            target_modules=self.target_modules,
            task_type="CAUSAL_LM",
        )


def base_signature(model: Any) -> dict[str, Any]:
    """What identifies a base model for a LoRA: architecture and shape."""
    config = model.config
    return {
        "model_type": config.model_type,
        "hidden_size": config.hidden_size,
        "num_hidden_layers": config.num_hidden_layers,
        "vocab_size": config.vocab_size,
    }


def attach_lora(model: Any, settings: LoraSettings) -> PeftModel:
    """A fresh LoRA on ``model`` (its update is zero: outputs equal the base's)."""
    peft_model = get_peft_model(model, settings.config())
    assert isinstance(peft_model, PeftModel)
    return peft_model


def save_lora(model: PeftModel, folder: str | Path, record: dict[str, Any]) -> Path:
    """PEFT's ``save_pretrained`` plus the consolidation record (written atomically)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    base = base_signature(model.get_base_model())
    write_json_atomic(folder / RECORD, {**record, "base": base})
    return folder


def read_record(folder: str | Path) -> dict[str, Any]:
    """The consolidation record of a saved LoRA folder; a missing or broken one is a LoraError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LoraError(f"{folder} is not a folder with a consolidated LoRA")
    path = folder / RECORD
    if not path.is_file() or not (folder / "adapter_config.json").is_file():
        raise LoraError(f"{folder} holds no consolidated LoRA (no {RECORD} / adapter_config.json)")
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoraError(f"{path} cannot be read: {exc}") from None
    return record


def _require_same_base(model: Any, folder: str | Path) -> None:
    """A LoraError naming what differs when ``folder``'s LoRA was made on another base."""
    here, there = base_signature(model), read_record(folder).get("base", {})
    if here != there:
        diff = ", ".join(f"{k} {there.get(k)} != {v}" for k, v in here.items() if there.get(k) != v)
        raise LoraError(f"{folder} was consolidated on another base model ({diff})")


def load_lora(model: Any, folder: str | Path) -> PeftModel:
    """A saved LoRA on ``model``; refused when it was consolidated on another base."""
    _require_same_base(model, folder)
    return PeftModel.from_pretrained(model, str(folder))


def load_lora_weights(peft_model: PeftModel, folder: str | Path) -> None:
    """Put a saved LoRA's weights into ``peft_model``'s (fresh) LoRA of the same shape."""
    _require_same_base(peft_model.get_base_model(), folder)
    weights = load_file(str(Path(folder) / "adapter_model.safetensors"))
    try:
        result = set_peft_model_state_dict(peft_model, weights)
    except RuntimeError as exc:  # PEFT's multi-line size mismatch
        raise LoraError(f"{folder}: its LoRA does not fit this one (another rank)") from exc
    if getattr(result, "unexpected_keys", None):
        raise LoraError(f"{folder}: its LoRA does not fit this one (other target modules)")


def settings_dict(settings: LoraSettings) -> dict[str, Any]:
    return asdict(settings)
