"""Base model loading, generation with memory tokens, and the adapter read path."""

from hei_nw.models.base import (
    DEFAULT_MODEL,
    Generation,
    LoadedModel,
    ModelLoadError,
    encode_prompt,
    generate,
    generate_batch,
    load_base,
    load_model,
    silence_progress_bars,
)
from hei_nw.models.read_path import (
    adapter_attached,
    build_default_adapter,
    default_adapter_layer,
    find_decoder_blocks,
)
from hei_nw.models.seed import set_seed

__all__ = [
    "DEFAULT_MODEL",
    "Generation",
    "LoadedModel",
    "ModelLoadError",
    "adapter_attached",
    "build_default_adapter",
    "default_adapter_layer",
    "encode_prompt",
    "find_decoder_blocks",
    "generate",
    "generate_batch",
    "load_base",
    "load_model",
    "set_seed",
    "silence_progress_bars",
]
