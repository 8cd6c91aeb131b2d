"""Base model loading, generation with memory tokens, the memory reader and its read path.

Names are imported on first use (PEP 562): ``from hei_nw.models import DEFAULT_MODEL``
costs nothing, while anything that needs torch imports it then. Commands that need no
model (``hei-nw remember``, ``list``, ``forget``) therefore never load torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hei_nw.models.base import generate, load_base
    from hei_nw.models.generation import Generation, encode_prompt, generate_batch
    from hei_nw.models.loading import (
        DTYPES,
        LoadedModel,
        ModelLoadError,
        load_model,
        silence_progress_bars,
    )
    from hei_nw.models.names import DEFAULT_MODEL
    from hei_nw.models.prompts import NO_CONTEXT_TEMPLATE, PROMPT_TEMPLATE, build_prompt
    from hei_nw.models.read_path import (
        adapter_attached,
        build_default_adapter,
        default_adapter_layer,
        find_decoder_blocks,
    )
    from hei_nw.models.reader import MemoryReader, build_memory_reader, default_read_layers
    from hei_nw.models.reader_config import ReaderConfig, ReaderError, check_saved_reader
    from hei_nw.models.reading import forward_with_memory, prepare_reader_memory, reader_attached
    from hei_nw.models.seed import set_seed
    from hei_nw.models.shipped import (
        load_memory_reader,
        reader_folder,
        shipped_reader_path,
        weights_sha256,
    )
    from hei_nw.models.surprise import perplexity, token_nll

_HOMES: dict[str, str] = {
    "DEFAULT_MODEL": "names",
    "DTYPES": "loading",
    "Generation": "generation",
    "LoadedModel": "loading",
    "MemoryReader": "reader",
    "ModelLoadError": "loading",
    "NO_CONTEXT_TEMPLATE": "prompts",
    "PROMPT_TEMPLATE": "prompts",
    "ReaderConfig": "reader_config",
    "ReaderError": "reader_config",
    "adapter_attached": "read_path",
    "build_default_adapter": "read_path",
    "build_memory_reader": "reader",
    "build_prompt": "prompts",
    "check_saved_reader": "reader_config",
    "default_adapter_layer": "read_path",
    "default_read_layers": "reader",
    "encode_prompt": "generation",
    "find_decoder_blocks": "read_path",
    "forward_with_memory": "reading",
    "generate": "base",
    "generate_batch": "generation",
    "load_base": "base",
    "load_memory_reader": "shipped",
    "load_model": "loading",
    "perplexity": "surprise",
    "prepare_reader_memory": "reading",
    "reader_attached": "reading",
    "reader_folder": "shipped",
    "set_seed": "seed",
    "shipped_reader_path": "shipped",
    "silence_progress_bars": "loading",
    "token_nll": "surprise",
    "weights_sha256": "shipped",
}
"""Each public name and the module under ``hei_nw.models`` that defines it."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


__all__ = [
    "DEFAULT_MODEL",
    "DTYPES",
    "NO_CONTEXT_TEMPLATE",
    "PROMPT_TEMPLATE",
    "Generation",
    "LoadedModel",
    "MemoryReader",
    "ModelLoadError",
    "ReaderConfig",
    "ReaderError",
    "adapter_attached",
    "build_default_adapter",
    "build_memory_reader",
    "build_prompt",
    "check_saved_reader",
    "default_adapter_layer",
    "default_read_layers",
    "encode_prompt",
    "find_decoder_blocks",
    "forward_with_memory",
    "generate",
    "generate_batch",
    "load_base",
    "load_memory_reader",
    "load_model",
    "perplexity",
    "prepare_reader_memory",
    "reader_attached",
    "reader_folder",
    "set_seed",
    "shipped_reader_path",
    "silence_progress_bars",
    "token_nll",
    "weights_sha256",
]
