"""Base model loading, generation with memory tokens, the memory reader and its read path."""

from hei_nw.models.base import generate, load_base
from hei_nw.models.generation import Generation, encode_prompt, generate_batch
from hei_nw.models.loading import (
    DEFAULT_MODEL,
    DTYPES,
    LoadedModel,
    ModelLoadError,
    load_model,
    silence_progress_bars,
)
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
from hei_nw.models.shipped import load_memory_reader, shipped_reader_path, weights_sha256
from hei_nw.models.surprise import perplexity, token_nll

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
    "set_seed",
    "shipped_reader_path",
    "silence_progress_bars",
    "token_nll",
    "weights_sha256",
]
