"""Which copy-head reader a B1, B2 or gated run reads with: a saved one, the shipped one,
or a fresh one (every gate 0: its predictions equal the floor's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hei_nw.core import READ_RECIPE
from hei_nw.models import (
    LoadedModel,
    MemoryReader,
    build_memory_reader,
    load_memory_reader,
    reader_folder,
    weights_sha256,
)


@dataclass(frozen=True)
class ReaderChoice:
    """``reader``: ``"default"`` (the shipped reader for the default model, else a fresh
    one), ``"none"`` (a fresh one) or a saved reader's folder; ``layers``: a fresh reader
    with adapters after these blocks instead."""

    reader: str = READ_RECIPE.reader
    layers: tuple[int, ...] | None = None


FRESH = {"reader": "fresh (all gates 0)", "reader_path": None, "reader_sha256": None}


def choose_reader(loaded: LoadedModel, choice: ReaderChoice) -> tuple[MemoryReader, dict[str, Any]]:
    """The reader ``choice`` names, and what identifies it in the report."""
    model = loaded.model
    opener = tuple(loaded.tokenizer("<episodic>", add_special_tokens=False)["input_ids"])
    if choice.layers is not None:
        return build_memory_reader(model, choice.layers, trace_opener_ids=opener), FRESH
    path = None if choice.reader == "none" else reader_folder(choice.reader, loaded.model_id)
    if path is None:  # no reader asked for, or none shipped for this model
        return build_memory_reader(model, copy=True, trace_opener_ids=opener), FRESH
    shipped = choice.reader == "default"
    reader = load_memory_reader(model, path, revision=loaded.revision)
    return reader, {
        "reader": "shipped" if shipped else "saved",
        # The shipped folder is named inside the package, not by this machine's path.
        "reader_path": f"hei_nw.models:readers/{path.name}" if shipped else choice.reader,
        "reader_sha256": weights_sha256(path),
    }
