"""Attach an Episodic Adapter inside a frozen decoder without editing the model.

The adapter reads after decoder block ``floor(0.6 * L)``: a forward hook on that
block replaces the block's output hidden states ``h`` with ``adapter(h, memory)``.
The memory ``M_t`` is the base model's own hidden states for the memory tokens
at that same block, computed by one no-grad forward and projected to keys and
values once; every decode step then reuses the projection.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
from torch import Tensor, nn

from hei_nw.adapter import EpisodicAdapter, MemoryKV

ADAPTER_DEPTH = 0.6
"""Relative depth of the adapter: deep enough that block outputs carry meaning,
shallow enough that ~40% of the stack can still use what was read."""

GATE_ZERO_WARNING = (
    "the episodic adapter's gate is 0, so memory is read but has no effect on the "
    "output until the adapter is trained (or its gate set)"
)


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


def build_default_adapter(model: nn.Module, layer_index: int | None = None) -> EpisodicAdapter:
    """An adapter shaped for ``model``: its hidden size, heads and KV heads, dtype and
    device, placed after block ``layer_index`` (default ``floor(0.6 * L)``)."""
    config = text_config(model)
    n_layers = num_layers(model)
    layer = default_adapter_layer(n_layers) if layer_index is None else layer_index
    if not 0 <= layer < n_layers:
        raise ValueError(f"layer_index {layer} is outside the model's {n_layers} decoder blocks")
    n_heads = int(config.num_attention_heads)
    n_kv_heads = getattr(config, "num_key_value_heads", None) or n_heads
    parameter = next(model.parameters())
    adapter = EpisodicAdapter(
        int(config.hidden_size), n_heads, n_kv_heads=int(n_kv_heads), layer_index=layer
    )
    return adapter.to(device=parameter.device, dtype=parameter.dtype).eval()


def _adapter_layer(adapter: EpisodicAdapter, model: nn.Module) -> int:
    if adapter.layer_index is None:
        return default_adapter_layer(num_layers(model))
    return adapter.layer_index


def _replace_hidden(output: Any, hidden: Tensor) -> Any:
    """Put ``hidden`` where a block keeps its hidden states, keeping the output's type."""
    if isinstance(output, Tensor):
        return hidden
    return (hidden, *output[1:])


def _hidden_of(output: Any) -> Tensor:
    hidden = output if isinstance(output, Tensor) else output[0]
    assert isinstance(hidden, Tensor)
    return hidden


class _StopAfterBlock(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by the capture hook to stop the memory forward at the adapter's block."""


@torch.no_grad()
def memory_states(
    model: nn.Module, memory_ids: Sequence[Sequence[int]], layer_index: int, pad_id: int
) -> tuple[Tensor, Tensor]:
    """Hidden states of the memory tokens at the output of block ``layer_index``.

    Rows are right-padded with ``pad_id``; returns states ``(B, k, d)`` and a bool
    mask ``(B, k)`` (True = real token). Causal attention means padding never
    changes the states of real tokens. The forward stops right after the block:
    the ~40% of the stack above it would be wasted work.
    """
    k = max(len(row) for row in memory_ids)
    device = next(model.parameters()).device
    ids = torch.full((len(memory_ids), k), pad_id, dtype=torch.long, device=device)
    mask = torch.zeros((len(memory_ids), k), dtype=torch.bool, device=device)
    for row, tokens in enumerate(memory_ids):
        ids[row, : len(tokens)] = torch.tensor(list(tokens), dtype=torch.long)
        mask[row, : len(tokens)] = True
    captured: list[Tensor] = []

    def capture(_module: nn.Module, _args: Any, output: Any) -> None:
        captured.append(_hidden_of(output))
        raise _StopAfterBlock

    block = find_decoder_blocks(model)[layer_index]
    handle = block.register_forward_hook(capture)
    try:
        model(input_ids=ids, attention_mask=mask.long(), use_cache=False)
    except _StopAfterBlock:
        pass
    finally:
        handle.remove()
    return captured[0], mask


@contextmanager
def adapter_attached(
    model: nn.Module, adapter: EpisodicAdapter, memory: MemoryKV
) -> Iterator[None]:
    """Within the block, the adapter reads ``memory`` after its decoder block.

    The hook is prepended so it runs before transformers' own output-capturing
    hooks (``output_hidden_states`` then shows the adapted states), accepts Tensor
    or tuple block outputs, and is removed on exit, also after an exception.
    A memory batch smaller than the running batch (beam search,
    ``num_return_sequences``) is expanded once, on first use.
    """
    block = find_decoder_blocks(model)[_adapter_layer(adapter, model)]
    expanded: dict[int, MemoryKV] = {}

    def read(_module: nn.Module, _args: Any, output: Any) -> Any:
        hidden = _hidden_of(output)  # (B, T, d)
        batch = hidden.shape[0]
        if batch not in expanded:
            repeats = batch // memory.batch_size if memory.batch_size != 1 else 1
            expanded[batch] = memory.repeat_interleave(repeats)
        return _replace_hidden(output, adapter(hidden, expanded[batch]))

    handle = block.register_forward_hook(read, prepend=True)
    try:
        yield
    finally:
        handle.remove()


def prepare_memory(
    model: nn.Module, adapter: EpisodicAdapter, memory_ids: Sequence[Sequence[int]], pad_id: int
) -> MemoryKV:
    """Compute and project the memory for one ``generate`` call (once per call).

    Warns when the adapter's gate is 0: the memory is read, but cannot change
    the output until the adapter is trained.
    """
    if float(adapter.gate.detach().abs().max()) == 0.0:
        warnings.warn(GATE_ZERO_WARNING, UserWarning, stacklevel=3)
    states, mask = memory_states(model, memory_ids, _adapter_layer(adapter, model), pad_id)
    with torch.no_grad():
        return adapter.project_memory(states.to(adapter.q_proj.weight.dtype), mask)
