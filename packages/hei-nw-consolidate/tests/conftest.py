"""Fixtures: tiny random models (SmolLM2's tokenizer) and a few episodes."""

from __future__ import annotations

import os
from typing import Any

import pytest

from hei_nw.memory import Episode
from hei_nw.models.testing import shared_tokenizer, tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TRACES = [
    {"who": "Dara Quill", "what": "blue kettle", "where": "Harbor Hall", "when": "2025-03-14"},
    {"who": "Omar Vale", "what": "red scarf", "where": "Mill Yard", "when": "2025-07-02"},
    {"who": "Ines Brook", "what": "old lantern", "where": "Fern Court", "when": "2024-11-30"},
]


@pytest.fixture
def tokenizer() -> Any:
    return shared_tokenizer()


@pytest.fixture
def model() -> Any:
    return tiny_model("llama", seed=0)


@pytest.fixture
def episodes() -> list[Episode]:
    return [
        Episode(
            f"ep-{i:08d}",
            trace,
            f"On {trace['when']}, {trace['who']} left a {trace['what']} at {trace['where']}.",
            {},
        )
        for i, trace in enumerate(TRACES)
    ]
