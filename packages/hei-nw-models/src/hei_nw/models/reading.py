"""Attach a :class:`~hei_nw.models.reader.MemoryReader` for one call: training or generation.

One path serves both. :func:`prepare_reader_memory` runs the frozen base once
over the memory tokens (no grad: the base has nothing to train), stopping after
the highest block any part needs, and projects the states with the reader's
weights (with grad when training). :func:`reader_attached` hooks every adapter
after its block and the copy head onto the output logits; hooks are removed on
exit, also after an exception. :func:`forward_with_memory` is the training
entry point; ``generate`` uses the same two functions under no-grad.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import Tensor, nn

from hei_nw.adapter import CopyMemory, MemoryKV
from hei_nw.models.blocks import StopAfterBlock, find_decoder_blocks, hidden_of, replace_hidden
from hei_nw.models.reader import MemoryReader


@dataclass(frozen=True)
class ReaderMemory:
    """The memory of one call, projected for every part of the reader."""

    adapters: dict[int, MemoryKV]
    copy: CopyMemory | None


def pad_memory(
    memory_ids: Sequence[Sequence[int]], pad_id: int, device: torch.device
) -> tuple[Tensor, Tensor]:
    """Right-pad memory rows: ids ``(B, k)`` and a bool mask ``(B, k)``, True = real token."""
    k = max(len(row) for row in memory_ids)
    ids = torch.full((len(memory_ids), k), pad_id, dtype=torch.long)
    mask = torch.zeros((len(memory_ids), k), dtype=torch.bool)
    for row, tokens in enumerate(memory_ids):
        ids[row, : len(tokens)] = torch.tensor(list(tokens), dtype=torch.long)
        mask[row, : len(tokens)] = True
    return ids.to(device), mask.to(device)


@torch.no_grad()
def memory_states_at(
    model: nn.Module, ids: Tensor, mask: Tensor, layers: Sequence[int]
) -> dict[int, Tensor]:
    """Hidden states ``(B, k, d)`` of the memory tokens at the output of each block
    in ``layers``, from one forward that stops after the highest of them.

    Padding is on the right, so causal attention never lets it change the
    states of real tokens.
    """
    blocks = find_decoder_blocks(model)
    wanted = sorted(set(layers))
    captured: dict[int, Tensor] = {}
    handles = []

    def capture_at(layer: int) -> Any:
        def hook(_module: nn.Module, _args: Any, output: Any) -> None:
            captured[layer] = hidden_of(output)
            if layer == wanted[-1]:
                raise StopAfterBlock

        return hook

    try:
        handles = [blocks[layer].register_forward_hook(capture_at(layer)) for layer in wanted]
        model(input_ids=ids, attention_mask=mask.long(), use_cache=False)
    except StopAfterBlock:
        pass
    finally:
        for handle in handles:
            handle.remove()
    return captured


def segment_ends(ids: Tensor, mask: Tensor, opener: Sequence[int]) -> Tensor:
    """For every memory position, the index of the last token of its episode.

    Episodes start where the ``opener`` ids occur; without an opener (or none
    found) a row is one episode. ``(B, k)`` long.
    """
    B, k = ids.shape
    ends = torch.zeros((B, k), dtype=torch.long)
    rows, valid = ids.tolist(), mask.sum(dim=1).tolist()
    width = len(opener)
    for b in range(B):
        n = int(valid[b])
        starts = [j for j in range(n) if width and rows[b][j : j + width] == list(opener)]
        starts = sorted({0, *starts})
        bounds = [*starts[1:], n]
        for start, stop in zip(starts, bounds, strict=True):
            ends[b, start:stop] = max(stop - 1, 0)
        ends[b, n:] = max(n - 1, 0)
    return ends.to(ids.device)


def in_cue(ids: Tensor, cue_ids: Sequence[Sequence[int]]) -> Tensor:
    """``(B, k)`` bool: memory token ``ids[b, j]`` occurs in row ``b``'s cue (question) ids."""
    if len(cue_ids) != ids.shape[0]:
        raise ValueError(f"cue_ids has {len(cue_ids)} rows for {ids.shape[0]} memory rows")
    rows = [
        torch.isin(ids[b], torch.tensor(list(cue), dtype=ids.dtype, device=ids.device))
        for b, cue in enumerate(cue_ids)
    ]
    return torch.stack(rows)


def prepare_reader_memory(
    model: nn.Module,
    reader: MemoryReader,
    memory_ids: Sequence[Sequence[int]],
    pad_id: int,
    cue_ids: Sequence[Sequence[int]] | None = None,
) -> ReaderMemory:
    """Run the base over the memory once and project it for every part of ``reader``.

    Projections carry gradients when grad is enabled (training) and not under
    ``torch.no_grad`` (generation). ``cue_ids``, one row of question token ids
    per memory row, are needed by a copy head with cue match (and only there):
    pass the prompt's ids, never the answer's.
    """
    device = next(model.parameters()).device
    ids, mask = pad_memory(memory_ids, pad_id, device)
    states = memory_states_at(model, ids, mask, reader.config.memory_layers())
    dtype = next(reader.parameters()).dtype
    adapters = {
        layer: reader.adapter_at(layer).project_memory(
            states[reader.memory_layer_for(layer)].to(dtype), mask
        )
        for layer in reader.config.read_layers
    }
    copy = None
    if reader.copy_head is not None:
        key_layer = reader.config.copy_key_layer
        assert key_layer is not None
        host: Any = model  # a transformers model: typed as nn.Module here
        with torch.no_grad():
            embeddings = host.get_input_embeddings()(ids)
        ends = segment_ends(ids, mask, reader.config.trace_opener_ids)
        matched = None
        if reader.config.copy_cue_match:
            if cue_ids is None:
                raise ValueError("this reader matches memory against the question: pass cue_ids")
            matched = in_cue(ids, cue_ids)
        copy = reader.copy_head.prepare(
            states[key_layer].to(dtype), embeddings.to(dtype), ids, mask, ends, matched
        )
    return ReaderMemory(adapters=adapters, copy=copy)


def _expanded(memory: Any, batch: int, cache: dict[int, Any]) -> Any:
    """``memory`` repeated to a query batch (beams, ``num_return_sequences``), once per size."""
    if batch not in cache:
        repeats = batch // memory.batch_size if memory.batch_size != 1 else 1
        cache[batch] = memory.repeat_interleave(repeats)
    return cache[batch]


@contextmanager
def reader_attached(model: nn.Module, reader: MemoryReader, memory: ReaderMemory) -> Iterator[None]:
    """Within the block, every part of ``reader`` reads ``memory``.

    Adapter hooks are prepended so they run before transformers' own
    output-capturing hooks. The copy head captures the running text's states at
    its query block and adds its bonus to the output head's logits; with
    ``logits_to_keep`` only the last positions have logits, so the last
    positions of the captured states are used.
    """
    blocks = find_decoder_blocks(model)
    handles = []
    caches: dict[str, dict[int, Any]] = {}

    def read_at(layer: int) -> Any:
        adapter, kv = reader.adapter_at(layer), memory.adapters[layer]
        cache = caches.setdefault(f"L{layer}", {})

        def hook(_module: nn.Module, _args: Any, output: Any) -> Any:
            hidden = hidden_of(output)  # (B, T, d)
            return replace_hidden(output, adapter(hidden, _expanded(kv, hidden.shape[0], cache)))

        return hook

    try:
        for layer in reader.config.read_layers:
            handles.append(blocks[layer].register_forward_hook(read_at(layer), prepend=True))
        if reader.copy_head is not None and memory.copy is not None:
            handles += _attach_copy(model, reader, memory.copy, blocks)
        yield
    finally:
        for handle in handles:
            handle.remove()


def _attach_copy(
    model: nn.Module, reader: MemoryReader, copy: CopyMemory, blocks: nn.ModuleList
) -> list[Any]:
    """Capture the running text's states at the query (and context) block; mix the
    copy head into the output head's logits."""
    head, config = reader.copy_head, reader.config
    assert head is not None and config.copy_query_layer is not None
    captured: dict[str, Tensor] = {}
    cache: dict[int, Any] = {}

    def capture(name: str) -> Any:
        def hook(_module: nn.Module, _args: Any, output: Any) -> None:
            captured[name] = hidden_of(output)

        return hook

    def mix_copy(_module: nn.Module, _args: Any, logits: Tensor) -> Tensor:
        dtype, width = next(head.parameters()).dtype, logits.shape[1]
        query = captured["query"][:, -width:].to(dtype)  # (B, T_out, d)
        context = captured["context"][:, -width:].to(dtype) if "context" in captured else None
        memory = _expanded(copy, logits.shape[0], cache)
        mixed: Tensor = head(logits, query, memory, context)
        return mixed.to(logits.dtype)

    host: Any = model
    handles = [blocks[config.copy_query_layer].register_forward_hook(capture("query"))]
    if config.copy_context_layer is not None:
        handles.append(blocks[config.copy_context_layer].register_forward_hook(capture("context")))
    handles.append(host.get_output_embeddings().register_forward_hook(mix_copy))
    return handles


def forward_with_memory(
    model: nn.Module,
    reader: MemoryReader,
    input_ids: Tensor,
    attention_mask: Tensor,
    mem_tokens: Sequence[Sequence[int]] | None,
    pad_id: int = 0,
    cue_ids: Sequence[Sequence[int]] | None = None,
    **kwargs: Any,
) -> Any:
    """The model's output (``.logits``) with ``reader`` reading ``mem_tokens``.

    Gradients reach every reader parameter; the base's own forward over the
    memory is no-grad. ``mem_tokens`` None, or every row empty, is exactly the
    base model's forward. ``cue_ids``: the question's ids per row, for a reader
    with cue match (in training: the prompt without the answer). Extra
    ``kwargs`` go to the model (e.g. ``logits_to_keep``).
    """
    rows = [list(r) for r in mem_tokens] if mem_tokens is not None else []
    if not any(rows):
        return model(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
    if len(rows) != input_ids.shape[0]:
        raise ValueError(f"mem_tokens has {len(rows)} rows for a batch of {input_ids.shape[0]}")
    memory = prepare_reader_memory(model, reader, [r or [pad_id] for r in rows], pad_id, cue_ids)
    memory = drop_empty_rows(memory, [bool(r) for r in rows])
    with reader_attached(model, reader, memory):
        return model(input_ids=input_ids, attention_mask=attention_mask, **kwargs)


def drop_empty_rows(memory: ReaderMemory, has_memory: list[bool]) -> ReaderMemory:
    """Rows that had no memory read nothing (their placeholder token is masked out)."""
    if all(has_memory):
        return memory
    keep = torch.tensor(has_memory)

    def masked(mask: Tensor | None, width: int) -> Tensor:
        base = (
            torch.ones((len(has_memory), width), dtype=torch.bool) if mask is None else mask.cpu()
        )
        return (base & keep[:, None]).to(keep.device if mask is None else mask.device)

    adapters = {
        layer: MemoryKV(kv.keys, kv.values, masked(kv.mask, kv.length).to(kv.keys.device))
        for layer, kv in memory.adapters.items()
    }
    copy = memory.copy
    if copy is not None:
        copy = replace(copy, mask=masked(copy.mask, copy.mask.shape[1]).to(copy.keys.device))
    return ReaderMemory(adapters=adapters, copy=copy)
