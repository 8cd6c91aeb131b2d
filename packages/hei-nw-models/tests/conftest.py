"""Shared fixtures: the real default model is loaded once per test session."""

from __future__ import annotations

import os

import pytest

from hei_nw.models import LoadedModel, load_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def smollm2() -> LoadedModel:
    return load_model()
