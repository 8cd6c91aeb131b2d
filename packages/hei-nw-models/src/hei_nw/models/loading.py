"""Load a base causal LM: model id or folder, dtype, device, optional 4-bit.

``load_model`` returns a :class:`LoadedModel`; library code and the harness pass
it (or its model and tokenizer) explicitly. :func:`set_default` records one
loaded model for the seed's conveniences (:mod:`hei_nw.models.base`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from hei_nw.models import smollm2
from hei_nw.models.names import DEFAULT_MODEL

DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
}


class ModelLoadError(RuntimeError):
    """A model could not be loaded; the message is one line meant for users."""


@dataclass(frozen=True)
class LoadedModel:
    """A tokenizer and model loaded together, with what identifies them in reports."""

    tokenizer: Any
    model: Any
    model_id: str
    revision: str | None
    dtype: torch.dtype
    device: torch.device


_default: LoadedModel | None = None


def set_default(loaded: LoadedModel) -> None:
    """Make ``loaded`` the model that calls naming no model use."""
    global _default
    _default = loaded


def resolve_model(model: Any, tokenizer: Any) -> tuple[Any, Any]:
    """``(model, tokenizer)`` as given, or the default's when both are None."""
    if model is None and tokenizer is None:
        if _default is None:
            raise RuntimeError("no model given and no default loaded: call load_base() first")
        return _default.model, _default.tokenizer
    if model is None or tokenizer is None:
        raise ValueError("pass both model and tokenizer, or neither to use the load_base default")
    return model, tokenizer


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``None`` picks CUDA when present, else CPU."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def resolve_dtype(dtype: str | torch.dtype, device: torch.device) -> torch.dtype:
    """``"auto"`` is bf16 on a GPU that supports it, fp32 otherwise (CPU bf16 is slow)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    if dtype not in DTYPES:
        raise ModelLoadError(f"unknown dtype {dtype!r}; use auto, {', '.join(DTYPES)}")
    return DTYPES[dtype]


def load_model(
    model_id: str = DEFAULT_MODEL,
    dtype: str | torch.dtype = "auto",
    quant_4bit: bool = False,
    device: str | torch.device | None = None,
) -> LoadedModel:
    """Load ``model_id``: the offline default, a local folder or a HuggingFace hub id.

    Hub ids load only from the local HuggingFace cache when the hub is
    unreachable; anything that cannot be loaded raises :class:`ModelLoadError`
    with a one-line message naming the offline default.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, target)
    extra: dict[str, Any] = {}
    if quant_4bit:
        extra["quantization_config"] = _four_bit_config(target)

    revision: str | None
    if model_id == DEFAULT_MODEL:
        try:
            source: str | Path = smollm2.ensure_converted()
        except smollm2.MissingDefaultModelError as exc:
            raise ModelLoadError(str(exc)) from exc
        record = smollm2.read_conversion_record() or {}
        revision = f"gguf-sha256:{record.get('source_sha256', 'unknown')}"
    else:
        source = model_id
        revision = None
    try:
        tokenizer = _from_pretrained(AutoTokenizer, source)
        model = _from_pretrained(AutoModelForCausalLM, source, dtype=torch_dtype, **extra)
    except (OSError, ValueError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise ModelLoadError(
            f"cannot load model {model_id!r}: it must be a local model folder or a hub id in "
            f"the HuggingFace cache (the hub is unreachable offline); the offline default is "
            f"{DEFAULT_MODEL!r} [{reason}]"
        ) from exc
    if not quant_4bit:
        model = model.to(target)
    model.eval()
    revision = revision or getattr(model.config, "_commit_hash", None)
    return LoadedModel(tokenizer, model, model_id, revision, torch_dtype, target)


def _from_pretrained(auto_class: Any, source: str | Path, **kwargs: Any) -> Any:
    """Try the local cache first so an offline machine fails fast instead of retrying."""
    try:
        return auto_class.from_pretrained(source, local_files_only=True, **kwargs)
    except OSError:
        if os.environ.get("HF_HUB_OFFLINE") == "1" or Path(str(source)).exists():
            raise
        return auto_class.from_pretrained(source, **kwargs)


def _four_bit_config(device: torch.device) -> Any:
    import importlib.util

    if device.type != "cuda" or not torch.cuda.is_available():
        raise ModelLoadError("4-bit quantisation needs a CUDA GPU; run without --quant-4bit on CPU")
    if importlib.util.find_spec("bitsandbytes") is None:
        raise ModelLoadError("4-bit quantisation needs the bitsandbytes package, not installed")
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=torch.bfloat16)


def silence_progress_bars() -> None:
    """Turn off transformers' own progress bars (weight loading, GGUF conversion)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
