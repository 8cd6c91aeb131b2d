"""Reader weights shipped inside this package, and how to load one.

``readers/<name>/`` holds a ``save_pretrained`` folder (config with its training
record, safetensors weights) trained by the command recorded in it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from hei_nw.models.names import DEFAULT_MODEL
from hei_nw.models.reader import MemoryReader
from hei_nw.models.reader_config import WEIGHTS_NAME, ReaderError, check_saved_reader

SHIPPED_READERS = Path(__file__).with_name("readers")
DEFAULT_READER = "smollm2-135m-instruct"
"""The reader trained for the offline default model."""
DEFAULT_SPAN_READER = "span-smollm2-135m-instruct"
"""The span reader trained for the offline default model (``MemorySettings.answers="span"``)."""


def shipped_reader_path(name: str = DEFAULT_READER) -> Path:
    return SHIPPED_READERS / name


def reader_folder(reader: str, model_id: str) -> Path | None:
    """The folder a copy-head reader's name means (``ReadRecipe.reader``): ``"default"`` is
    the shipped reader when ``model_id`` is the default model and None for any other (no
    reader was trained for it); any other name is a saved reader's folder, checked now
    (a wrong path costs a second, not the model's load). The API and the harness both
    choose their reader here."""
    if reader != "default":
        return check_saved_reader(reader)
    return shipped_reader_path() if model_id == DEFAULT_MODEL else None


def load_memory_reader(
    model: Any, path: str | Path | None = None, revision: str | None = None
) -> MemoryReader:
    """The reader saved at ``path``; None is the shipped default for SmolLM2."""
    folder = shipped_reader_path() if path is None else Path(path)
    if path is None and not (folder / WEIGHTS_NAME).is_file():
        raise ReaderError(f"no shipped memory reader at {folder}; train one with `harness train`")
    return MemoryReader.from_pretrained(folder, model, revision=revision)


def weights_sha256(folder: str | Path) -> str:
    """SHA-256 of a saved reader's weights file (reports record it)."""
    return hashlib.sha256((Path(folder) / WEIGHTS_NAME).read_bytes()).hexdigest()
