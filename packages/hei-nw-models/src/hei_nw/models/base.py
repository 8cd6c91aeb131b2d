"""The milestone plan's conveniences: ``load_base(); generate("Hello", max_new_tokens=4)``.

``load_base`` loads a model and makes it the default that calls naming no model
use; ``generate`` is one prompt through :func:`hei_nw.models.generation.generate_batch`.
Loading lives in :mod:`hei_nw.models.loading`, generation in
:mod:`hei_nw.models.generation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from hei_nw.adapter import EpisodicAdapter
from hei_nw.models.generation import Generation, generate_batch
from hei_nw.models.loading import load_model, set_default
from hei_nw.models.names import DEFAULT_MODEL
from hei_nw.models.reader import MemoryReader


def load_base(
    model_id: str = DEFAULT_MODEL,
    dtype: str | torch.dtype = "auto",
    quant_4bit: bool = False,
    device: str | torch.device | None = None,
) -> tuple[Any, Any, Any]:
    """Load a model, make it the module default, return ``(tokenizer, model, pipe)``.

    ``pipe`` is a transformers text-generation pipeline over the same objects.
    """
    from transformers import pipeline

    loaded = load_model(model_id, dtype=dtype, quant_4bit=quant_4bit, device=device)
    set_default(loaded)
    pipe = pipeline("text-generation", model=loaded.model, tokenizer=loaded.tokenizer)
    return loaded.tokenizer, loaded.model, pipe


def generate(
    prompt: str,
    max_new_tokens: int = 128,
    temperature: float = 0.2,
    top_p: float = 0.9,
    do_sample: bool = False,
    stop: Sequence[str] | None = None,
    *,
    mem_tokens: Sequence[int] | None = None,
    adapter: EpisodicAdapter | MemoryReader | None = None,
    model: Any = None,
    tokenizer: Any = None,
    chat: bool | None = None,
    **kwargs: Any,
) -> Generation:
    """Generate a completion of ``prompt``; see :func:`generate_batch`."""
    return generate_batch(
        [prompt],
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        top_p=top_p,
        do_sample=do_sample,
        stop=stop,
        mem_tokens=None if mem_tokens is None else [mem_tokens],
        adapter=adapter,
        model=model,
        tokenizer=tokenizer,
        chat=chat,
        **kwargs,
    )[0]
