"""The write policy works on a store alone (it never holds the ``Memory``), and the
memory's embedder and index come from ``MemorySettings``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hei_nw.api import DEFAULTS, Memory, MemoryUsageError
from hei_nw.api.lazy_engine import LazyEngine
from hei_nw.api.write_policy import WritePolicy
from hei_nw.memory import EpisodeStore, make_embedder


def _policy(tmp_path: Path) -> WritePolicy:
    store = EpisodeStore(make_embedder("hashing", 2048), tmp_path / "store")
    # The hygiene gate needs no model: the lazy engine is never loaded here.
    return WritePolicy(DEFAULTS, store, LazyEngine(DEFAULTS))


def _write(policy: WritePolicy, text: str, replaces: str | None = None) -> str | None:
    written = policy.write(
        text,
        None,
        text,
        pin=False,
        reward=0.0,
        source="test",
        expiry=None,
        replaces=replaces,
        redaction={},
    )
    return written.id if written.written else written.existing_id


def test_writes_restatements_and_updates_need_only_the_store(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    first = _write(policy, "The team meeting is in room 4.")
    assert first == "ep-00000000"
    assert _write(policy, "the team meeting is in room 4") == first  # a restatement: not written
    assert len(policy.store) == 1
    moved = _write(policy, "The team meeting moved to room 7.", replaces=first)
    assert policy.lineage.line(first) == [first, moved]
    assert moved is not None
    policy.forget(moved)
    assert policy.lineage.current(first) == first  # the old note is current again


def test_expired_notes_are_purged_by_the_next_write(tmp_path: Path) -> None:
    policy = _policy(tmp_path)
    gone = policy.write(
        "Parking permit code 4411.",
        None,
        "Parking permit code 4411.",
        pin=False,
        reward=0.0,
        source="test",
        expiry="2000-01-01T00:00:00+00:00",
        replaces=None,
        redaction=None,
    )
    assert gone.written and len(policy.store) == 1
    _write(policy, "The gym opens at six.")
    assert gone.id not in policy.store and len(policy.store) == 1


def test_the_memory_index_and_embedder_come_from_the_settings(tmp_path: Path) -> None:
    with Memory.open(tmp_path / "m", settings=replace(DEFAULTS, index="hnsw")) as memory:
        memory.remember("The spare key is under the blue flowerpot.")
        store = memory.store
        assert isinstance(store, EpisodeStore) and store.index.kind == "hnsw"
        assert memory.recall("Where is the spare key?")[0].id == "ep-00000000"
    with pytest.raises(MemoryUsageError, match="unknown embedder 'bert'"):
        Memory.open(tmp_path / "n", settings=replace(DEFAULTS, embedder="bert"))
    with pytest.raises(MemoryUsageError, match="unknown index 'ivf'"):
        Memory.open(tmp_path / "o", settings=replace(DEFAULTS, index="ivf"))
