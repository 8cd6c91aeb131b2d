"""Fixtures: a tiny random model saved as a local folder the CLI can load."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hei_nw.eval import load_report
from hei_nw.harness import main
from hei_nw.models.testing import shared_tokenizer, tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-llama")
    tiny_model("llama").save_pretrained(folder)
    shared_tokenizer().save_pretrained(folder)
    return folder


Harness = Callable[..., int]
ReadJson = Callable[[Path], dict[str, Any]]


def _run_harness(*args: str) -> int:
    return main(["--quiet", *args])


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON file; a run's metrics JSON comes with its items read back from its samples file."""
    if path.name.endswith("_metrics.json"):
        return load_report(path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def harness() -> Harness:
    """Run the CLI in-process (quietly); returns its exit code."""
    return _run_harness


@pytest.fixture
def read_json() -> ReadJson:
    return _read_json
