"""Embedder and index are chosen by name (what ``MemorySettings`` and the harness pass)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hei_nw.memory import (
    EMBEDDERS,
    INDEXES,
    EpisodeStore,
    HashingEmbedder,
    StoreError,
    make_embedder,
)

TRACE = {"who": "Dana", "what": "left a bag", "where": "Dock 7", "when": "Monday"}


def test_embedders_are_made_by_name() -> None:
    assert EMBEDDERS == ("hashing", "minilm")
    hashing = make_embedder("hashing", 64)
    assert isinstance(hashing, HashingEmbedder) and hashing.dim == 64
    assert make_embedder("hashing", 64, b"secret").name.startswith("hashing-64-keyed-")
    with pytest.raises(ValueError, match="unknown embedder 'bert'; choose from hashing, minilm"):
        make_embedder("bert")


@pytest.mark.parametrize(
    ("index", "kind"), [("auto", "exact"), ("exact", "exact"), ("hnsw", "hnsw")]
)
def test_the_index_backend_is_chosen_by_name_and_kept_across_reopening(
    index: str, kind: str, tmp_path: Path
) -> None:
    store = EpisodeStore(make_embedder("hashing", 64), tmp_path / "s", index=index)
    store.write(TRACE)
    assert store.index.kind == kind
    assert store.recall("Where did Dana leave the bag?", 1)[0].id == "ep-00000000"
    store.save()
    reopened = EpisodeStore.load(tmp_path / "s", make_embedder("hashing", 64), index=index)
    assert reopened.index.kind == kind


def test_an_unknown_index_is_one_line() -> None:
    assert INDEXES == ("auto", "exact", "hnsw")
    with pytest.raises(StoreError, match="unknown index 'ivf'; choose from auto, exact, hnsw"):
        EpisodeStore(make_embedder("hashing", 64), index="ivf")
