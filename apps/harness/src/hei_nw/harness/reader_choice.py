"""Which B1 reader the options name: a saved one, the shipped one, or a fresh one."""

from __future__ import annotations

import argparse
from typing import Any

from hei_nw.models import (
    LoadedModel,
    MemoryReader,
    build_memory_reader,
    load_memory_reader,
    reader_folder,
    weights_sha256,
)


def select_reader(
    args: argparse.Namespace, loaded: LoadedModel
) -> tuple[MemoryReader, dict[str, Any]]:
    """The B1 reader the options name, and what identifies it in the report."""
    model = loaded.model
    opener = tuple(loaded.tokenizer("<episodic>", add_special_tokens=False)["input_ids"])
    if args.adapter_layers is not None:
        reader = build_memory_reader(model, args.adapter_layers, trace_opener_ids=opener)
        return reader, {"reader": "fresh (all gates 0)", "reader_path": None, "reader_sha256": None}
    path = None if args.adapter == "none" else reader_folder(args.adapter, loaded.model_id)
    if path is None:  # no reader asked for, or none shipped for this model
        reader = build_memory_reader(model, copy=True, trace_opener_ids=opener)
        return reader, {"reader": "fresh (all gates 0)", "reader_path": None, "reader_sha256": None}
    use_shipped = args.adapter == "default"
    reader = load_memory_reader(model, path, revision=loaded.revision)
    return reader, {
        "reader": "shipped" if use_shipped else "saved",
        # The shipped folder is named inside the package, not by this machine's path.
        "reader_path": f"hei_nw.models:readers/{path.name}" if use_shipped else args.adapter,
        "reader_sha256": weights_sha256(path),
    }
