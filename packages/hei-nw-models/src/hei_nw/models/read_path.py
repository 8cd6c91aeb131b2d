"""One Episodic Adapter inside a frozen decoder: the M1 read path, kept as a thin API.

The adapter reads after decoder block ``floor(0.6 * L)`` (or its
``layer_index``): a forward hook on that block replaces the block's output
hidden states ``h`` with ``adapter(h, memory)``. The memory ``M_t`` is the base
model's own hidden states for the memory tokens at that same block, computed by
one no-grad forward and projected to keys and values once; every decode step
reuses the projection. Several adapters, a separate memory layer and the copy
head live in :mod:`hei_nw.models.reader`; this module wraps a single adapter
into that machinery (:mod:`hei_nw.models.reading`), so there is one read path.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch
from torch import Tensor, nn

from hei_nw.adapter import EpisodicAdapter, MemoryKV
from hei_nw.models.blocks import (
    adapter_layer,
    default_adapter_layer,
    find_decoder_blocks,
    num_layers,
    text_config,
)
from hei_nw.models.reader import MemoryReader
from hei_nw.models.reading import ReaderMemory, memory_states_at, pad_memory, reader_attached

GATE_ZERO_WARNING = (
    "the episodic adapter's gate is 0, so memory is read but has no effect on the "
    "output until the adapter is trained (or its gate set)"
)

__all__ = [
    "GATE_ZERO_WARNING",
    "adapter_attached",
    "build_default_adapter",
    "default_adapter_layer",
    "find_decoder_blocks",
    "memory_states",
    "prepare_memory",
]


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


def memory_states(
    model: nn.Module, memory_ids: Sequence[Sequence[int]], layer_index: int, pad_id: int
) -> tuple[Tensor, Tensor]:
    """Hidden states ``(B, k, d)`` of the memory tokens at the output of block
    ``layer_index`` and their bool mask ``(B, k)`` (True = real token)."""
    ids, mask = pad_memory(memory_ids, pad_id, next(model.parameters()).device)
    return memory_states_at(model, ids, mask, [layer_index])[layer_index], mask


def warn_if_gates_closed(reader: MemoryReader) -> None:
    """Memory is read but cannot change the output while every gate is 0."""
    if all(value == 0.0 for value in reader.gates().values()):
        warnings.warn(GATE_ZERO_WARNING, UserWarning, stacklevel=4)


def prepare_memory(
    model: nn.Module, adapter: EpisodicAdapter, memory_ids: Sequence[Sequence[int]], pad_id: int
) -> MemoryKV:
    """Compute and project one adapter's memory for one ``generate`` call.

    Warns when the adapter's gate is 0: the memory is read, but cannot change
    the output until the adapter is trained.
    """
    reader = MemoryReader.from_adapter(adapter, model)
    warn_if_gates_closed(reader)
    states, mask = memory_states(model, memory_ids, adapter_layer(adapter, model), pad_id)
    with torch.no_grad():
        return adapter.project_memory(states.to(adapter.q_proj.weight.dtype), mask)


@contextmanager
def adapter_attached(
    model: nn.Module, adapter: EpisodicAdapter, memory: MemoryKV
) -> Iterator[None]:
    """Within the block, the adapter reads ``memory`` after its decoder block
    (hooks removed on exit, also after an exception)."""
    reader = MemoryReader.from_adapter(adapter, model)
    layer = reader.config.read_layers[0]
    with reader_attached(model, reader, ReaderMemory(adapters={layer: memory}, copy=None)):
        yield
