"""The memory reader: every trainable part of the read path in one savable module.

A :class:`MemoryReader` holds one :class:`~hei_nw.adapter.EpisodicAdapter` per
chosen decoder block (``read_layers``) and, optionally, a
:class:`~hei_nw.adapter.CopyHead` that points at memory tokens to emit them
verbatim. The base model is never edited: the reader is attached with hooks for
one call (:mod:`hei_nw.models.reading`) and detached afterwards, and it is
saved and loaded on its own, PEFT-style (``save_pretrained`` writes
``adapter_config.json`` + ``adapter_model.safetensors``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch
from torch import nn

from hei_nw.adapter import CopyHead, EpisodicAdapter
from hei_nw.models.blocks import adapter_layer, num_layers, text_config
from hei_nw.models.reader_config import (
    CONFIG_NAME,
    DEFAULT_READ_DEPTHS,
    WEIGHTS_NAME,
    ReaderConfig,
    ReaderError,
    check_saved_reader,
)
from hei_nw.models.saving import save_weights_and_config


class MemoryReader(nn.Module):
    """Adapters at ``config.read_layers`` plus an optional copy head."""

    def __init__(self, config: ReaderConfig) -> None:
        super().__init__()
        config.validate()
        self.config = config
        self.adapters = nn.ModuleDict(
            {
                str(layer): EpisodicAdapter(
                    config.hidden_size,
                    config.n_heads,
                    n_kv_heads=config.n_kv_heads,
                    layer_index=layer,
                )
                for layer in config.read_layers
            }
        )
        self.copy_head: CopyHead | None = None
        if config.copy:
            assert config.stop_token_id is not None
            self.copy_head = CopyHead(
                config.hidden_size,
                config.copy_key_size,
                stop_token_id=config.stop_token_id,
                context=config.copy_context_layer is not None,
                cue_match=config.copy_cue_match,
            )

    def adapter_at(self, layer: int) -> EpisodicAdapter:
        adapter = self.adapters[str(layer)]
        assert isinstance(adapter, EpisodicAdapter)
        return adapter

    def memory_layer_for(self, layer: int) -> int:
        """The block whose memory states the adapter at ``layer`` reads."""
        return layer if self.config.memory_layer is None else self.config.memory_layer

    def gates(self) -> dict[str, float]:
        """Current ``tanh(gate)`` of every part, for progress bars and logs."""
        values = {
            f"L{layer}": float(torch.tanh(self.adapter_at(layer).gate).item())
            for layer in self.config.read_layers
        }
        if self.copy_head is not None:
            values["copy"] = float(torch.tanh(self.copy_head.gate).item())
        return values

    @classmethod
    def from_adapter(cls, adapter: EpisodicAdapter, model: nn.Module) -> MemoryReader:
        """A reader around one existing adapter (the same module, not a copy)."""
        layer = adapter_layer(adapter, model)
        config = _geometry(model, read_layers=(layer,))
        reader = cls(config)
        reader.adapters[str(layer)] = adapter  # in place of the fresh one just built
        return reader

    def save_pretrained(
        self, directory: str | Path, training: dict[str, Any] | None = None
    ) -> Path:
        """Write ``adapter_model.safetensors`` and ``adapter_config.json`` into ``directory``.

        Each file is written to a temporary name, synced, then renamed over the
        old one, so a killed writer leaves the previous reader (or none), never
        half a file. Other files in the folder (logs, checkpoints) are kept.
        """
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        config = self.config if training is None else replace(self.config, training=training)
        save_weights_and_config(
            target, self.state_dict(), WEIGHTS_NAME, config.to_json(), CONFIG_NAME
        )
        self.config = config
        return target

    @classmethod
    def from_pretrained(
        cls, directory: str | Path, model: nn.Module, revision: str | None = None
    ) -> MemoryReader:
        """Load a saved reader onto ``model``'s device/dtype (gates stay fp32).

        Refuses a base whose geometry differs, or whose ``revision`` differs from
        the one recorded, with one line naming both.
        """
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        folder = check_saved_reader(directory)
        config_path, weights_path = folder / CONFIG_NAME, folder / WEIGHTS_NAME
        try:
            config = ReaderConfig.from_json(json.loads(config_path.read_text()))
        except json.JSONDecodeError as exc:
            raise ReaderError(f"{config_path} is not valid JSON ({exc.msg})") from None
        _check_base(config, model, revision)
        reader = cls(config)
        try:
            state = load_file(str(weights_path))
        except (SafetensorError, OSError) as exc:
            raise ReaderError(f"cannot read {weights_path}: {exc}") from None
        missing, unexpected = reader.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise ReaderError(
                f"{weights_path} does not match its config (missing {missing[:3]}, unexpected {unexpected[:3]})"
            )
        return place_like(reader, model)


def place_like(reader: MemoryReader, model: nn.Module) -> MemoryReader:
    """Move ``reader`` to the model's device and dtype, in eval mode."""
    parameter = next(model.parameters())
    return reader.to(device=parameter.device, dtype=parameter.dtype).eval()


def _geometry(model: nn.Module, **fields: Any) -> ReaderConfig:
    config = text_config(model)
    n_heads = int(config.num_attention_heads)
    n_kv = int(getattr(config, "num_key_value_heads", None) or n_heads)
    dtype = str(next(model.parameters()).dtype).removeprefix("torch.")
    found: dict[str, Any] = {
        "hidden_size": int(config.hidden_size),
        "n_heads": n_heads,
        "n_kv_heads": n_kv,
        "num_layers": num_layers(model),
        "dtype": dtype,
        "base_model": getattr(config, "_name_or_path", None) or None,
    }
    return ReaderConfig(**(found | fields))


def _check_base(config: ReaderConfig, model: nn.Module, revision: str | None) -> None:
    actual = _geometry(model, read_layers=())
    saved = (config.hidden_size, config.n_heads, config.n_kv_heads, config.num_layers)
    found = (actual.hidden_size, actual.n_heads, actual.n_kv_heads, actual.num_layers)
    if saved != found:
        raise ReaderError(
            "saved reader was built for another base: hidden/heads/kv-heads/layers "
            f"{saved} (saved) vs {found} (this model)"
        )
    if revision and config.base_revision and revision != config.base_revision:
        raise ReaderError(
            f"saved reader was trained on base revision {config.base_revision}, "
            f"this model is {revision}"
        )


def default_read_layers(n_layers: int) -> tuple[int, ...]:
    """Blocks at :data:`DEFAULT_READ_DEPTHS` of an ``n_layers`` stack, unique and sorted."""
    return tuple(sorted({min(int(d * n_layers), n_layers - 1) for d in DEFAULT_READ_DEPTHS}))


def build_memory_reader(
    model: nn.Module,
    read_layers: tuple[int, ...] | list[int] | None = None,
    memory_layer: int | None = None,
    *,
    copy: bool = False,
    copy_key_layer: int | None = None,
    copy_query_layer: int | None = None,
    copy_context_layer: int | None = None,
    stop_token_id: int | None = None,
    trace_opener_ids: tuple[int, ...] = (),
    **fields: Any,
) -> MemoryReader:
    """A fresh reader (all gates 0) shaped for ``model``, on its device and dtype.

    ``read_layers`` None gives :func:`default_read_layers`; ``()`` with ``copy``
    gives a copy head alone. The copy layers default to ``memory_layer`` (or a
    third of the stack), and the stop token to the model's EOS id.
    """
    layers = default_read_layers(num_layers(model)) if read_layers is None else tuple(read_layers)
    if copy:
        fallback = memory_layer if memory_layer is not None else num_layers(model) // 3
        copy_key_layer = fallback if copy_key_layer is None else copy_key_layer
        copy_query_layer = fallback if copy_query_layer is None else copy_query_layer
        if stop_token_id is None:
            eos = getattr(text_config(model), "eos_token_id", None)
            stop_token_id = eos[0] if isinstance(eos, list) else eos
    config = _geometry(
        model,
        read_layers=layers,
        memory_layer=memory_layer,
        copy=copy,
        copy_key_layer=copy_key_layer,
        copy_query_layer=copy_query_layer,
        copy_context_layer=copy_context_layer,
        stop_token_id=stop_token_id,
        trace_opener_ids=tuple(trace_opener_ids),
        **fields,
    )
    return place_like(MemoryReader(config), model)
