"""Where things are inside a host decoder: its config, its blocks, a block's hidden states.

Every module that hooks into the frozen model reads its geometry from here, so
there is one answer to "how many blocks, which block list, where are the
hidden states in a block's output".
"""

from __future__ import annotations

import math
from typing import Any

from torch import Tensor, nn

ADAPTER_DEPTH = 0.6
"""Relative depth of a single adapter: deep enough that block outputs carry meaning,
shallow enough that ~40% of the stack can still use what was read."""


def text_config(model: nn.Module) -> Any:
    """The decoder's config (multimodal configs nest it under ``text_config``)."""
    config = model.config
    getter = getattr(config, "get_text_config", None)
    return getter() if callable(getter) else config


def num_layers(model: nn.Module) -> int:
    return int(text_config(model).num_hidden_layers)


def default_adapter_layer(n_layers: int) -> int:
    """Decoder block the adapter reads after: ``floor(0.6 * n_layers)``."""
    if n_layers <= 0:
        raise ValueError(f"a decoder needs at least one layer, got {n_layers}")
    return min(math.floor(ADAPTER_DEPTH * n_layers), n_layers - 1)


def find_decoder_blocks(model: nn.Module) -> nn.ModuleList:
    """The model's stack of decoder blocks, found generically.

    Works for GPT-2 (``transformer.h``), Llama/Qwen2/Mistral/Phi (``model.layers``),
    GPT-NeoX (``gpt_neox.layers``), OPT (``model.decoder.layers``) and any model
    whose blocks form one ``nn.ModuleList`` as long as the config's layer count.
    """
    expected = num_layers(model)
    for _, module in model.named_modules():
        if isinstance(module, nn.ModuleList) and len(module) == expected:
            return module
    raise ValueError(
        f"cannot find the decoder blocks of {type(model).__name__}: no nn.ModuleList of "
        f"{expected} layers (config.num_hidden_layers)"
    )


def adapter_layer(adapter: Any, model: nn.Module) -> int:
    """The block an adapter reads after: its ``layer_index``, or the default depth."""
    if adapter.layer_index is None:
        return default_adapter_layer(num_layers(model))
    return int(adapter.layer_index)


def replace_hidden(output: Any, hidden: Tensor) -> Any:
    """Put ``hidden`` where a block keeps its hidden states, keeping the output's type."""
    if isinstance(output, Tensor):
        return hidden
    return (hidden, *output[1:])


def hidden_of(output: Any) -> Tensor:
    """The hidden states in a block's output (a Tensor or a tuple starting with one)."""
    hidden = output if isinstance(output, Tensor) else output[0]
    assert isinstance(hidden, Tensor)
    return hidden


class StopAfterBlock(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by a capture hook to stop a memory forward after the last block it needs."""
