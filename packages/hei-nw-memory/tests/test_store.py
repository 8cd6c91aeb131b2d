"""The episodic store: recall, persistence, crash safety, bad input, keys, index, Hopfield."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from hei_nw.memory import (
    DGKeyer,
    EpisodeStore,
    HashingEmbedder,
    HNSWSettings,
    StoreError,
    VectorIndex,
    complete,
    normalize_rows,
    rerank,
)

PEOPLE = ["Dana Varn", "Olo Brask", "Kira Thorne", "Mateo Quill", "Lise Oskel", "Juno Fennick"]
ITEMS = ["red backpack", "blue scarf", "green thermos", "silver camera"]
PLACES = ["Café Lumen", "Dock Orchid", "Library Basalt"]


def traces(n: int) -> list[dict[str, str]]:
    return [
        {
            "who": PEOPLE[i % len(PEOPLE)],
            "what": ITEMS[(i // len(PEOPLE)) % len(ITEMS)],
            "where": PLACES[(i // 7) % len(PLACES)],
            "when": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        }
        for i in range(n)
    ]


def filled(path: Path | None = None, n: int = 30, **options: object) -> EpisodeStore:
    store = EpisodeStore(HashingEmbedder(256), path, **options)  # type: ignore[arg-type]
    for trace in traces(n):
        store.write(trace)
    return store


def test_recall_finds_the_episode_from_a_partial_cue() -> None:
    store = filled()
    target = traces(30)[8]
    hits = store.recall(f"What did {target['who']} leave on {target['when']}?", k=3)
    assert [h.rank for h in hits] == [0, 1, 2]
    assert hits[0].trace == target
    assert hits[0].score >= hits[1].score >= hits[2].score
    assert len(store) == 30


def test_empty_store_recalls_nothing_and_bad_k_fails() -> None:
    store = EpisodeStore(HashingEmbedder(64))
    assert store.recall("anything", k=4) == []
    for k in (0, -1, True):
        with pytest.raises(StoreError, match="k must be a positive integer"):
            store.recall("cue", k=k)


def test_traces_must_hold_the_four_slots() -> None:
    store = EpisodeStore(HashingEmbedder(64))
    with pytest.raises(ValueError, match="lacks the slot"):
        store.write({"who": "Dana", "what": "bag"})
    with pytest.raises(ValueError, match="must be a mapping"):
        store.write(["who"])  # type: ignore[arg-type]


def test_delete_removes_an_episode_from_recall(tmp_path: Path) -> None:
    store = filled(tmp_path / "s", n=10)
    best = store.recall("Dana Varn red backpack", k=1)[0]
    store.delete(best.id)
    assert best.id not in [h.id for h in store.recall("Dana Varn red backpack", k=9)]
    assert len(store) == 9
    with pytest.raises(StoreError, match="no episode"):
        store.delete(best.id)
    reopened = EpisodeStore.load(tmp_path / "s", HashingEmbedder(256))
    assert len(reopened) == 9


def test_reloaded_store_recalls_exactly_as_before(tmp_path: Path) -> None:
    store = filled(tmp_path / "s", n=40)
    store.save()
    for trace in traces(45)[40:]:  # writes after the snapshot are re-embedded on load
        store.write(trace)
    cues = ["Kira Thorne at Dock Orchid", "blue scarf 2025-03-03", "who left the silver camera"]
    before = [[(h.id, h.score) for h in store.recall(c, k=5)] for c in cues]
    reopened = EpisodeStore.load(tmp_path / "s", HashingEmbedder(256))
    after = [[(h.id, h.score) for h in reopened.recall(c, k=5)] for c in cues]
    assert after == before
    assert len(reopened) == 45


def test_a_killed_writer_loses_at_most_the_write_in_flight(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    script = textwrap.dedent(
        f"""
        import os, sys
        from hei_nw.memory import EpisodeStore, HashingEmbedder
        store = EpisodeStore(HashingEmbedder(256), {str(folder)!r})
        for i in range(20):
            store.write({{"who": f"person {{i}}", "what": "bag", "where": "dock", "when": "2025"}})
            print(i, flush=True)
        # Start a 21st write by hand and die half-way through the log line.
        with open(os.path.join({str(folder)!r}, "episodes.jsonl"), "a") as f:
            f.write('{{"op": "write", "id": "ep-00000020", "tra')
            f.flush()
        os.kill(os.getpid(), 9)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert run.returncode == -9
    acknowledged = len(run.stdout.split())
    reopened = EpisodeStore.load(folder, HashingEmbedder(256))
    assert len(reopened) == acknowledged == 20
    assert reopened.recall("person 7", k=1)[0].trace["who"] == "person 7"
    reopened.write({"who": "after", "what": "x", "where": "y", "when": "z"})
    assert len(EpisodeStore.load(folder, HashingEmbedder(256))) == 21


def test_foreign_corrupt_and_mismatched_folders_fail_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not an episode store"):
        EpisodeStore.load(tmp_path, HashingEmbedder(64))
    (tmp_path / "other.txt").write_text("x")
    with pytest.raises(StoreError, match="not empty and is not a store"):
        EpisodeStore(HashingEmbedder(64), tmp_path)
    store = filled(tmp_path / "s", n=5)
    with pytest.raises(StoreError, match="already holds a store"):
        EpisodeStore(HashingEmbedder(256), tmp_path / "s")
    with pytest.raises(StoreError, match="256-d embedder"):
        EpisodeStore.load(tmp_path / "s", HashingEmbedder(64))
    log = tmp_path / "s" / "episodes.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0], "garbage", *lines[1:]]) + "\n")
    with pytest.raises(StoreError, match="corrupt at line 2"):
        EpisodeStore.load(tmp_path / "s", HashingEmbedder(256))
    (tmp_path / "s" / "store.json").write_text(json.dumps({"format": "x"}))
    with pytest.raises(StoreError, match="not an episode store of format"):
        EpisodeStore.load(tmp_path / "s", HashingEmbedder(256))
    assert len(store) == 5


def test_embedder_of_the_wrong_shape_is_refused() -> None:
    class Wrong(HashingEmbedder):
        def encode(self, texts: object) -> np.ndarray:
            return np.zeros((1, 3), dtype=np.float32)

    with pytest.raises(StoreError, match=r"expected \(n, 64\)"):
        EpisodeStore(Wrong(64)).write(traces(1)[0])


def test_dg_keys_are_sparse_unit_and_stable() -> None:
    keyer = DGKeyer(32, width=256, k=8, seed=3)
    vectors = np.random.default_rng(0).standard_normal((5, 32)).astype(np.float32)
    keys = keyer.keys(vectors)
    assert keys.shape == (5, 256)
    assert np.all((keys != 0).sum(axis=1) == 8)
    np.testing.assert_allclose(np.linalg.norm(keys, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(keys, DGKeyer(32, width=256, k=8, seed=3).keys(vectors))
    with pytest.raises(ValueError, match="0 < k <= width"):
        DGKeyer(32, width=8, k=9)


def test_dg_store_recalls_too() -> None:
    store = filled(keys="dg")
    assert store.recall("Mateo Quill green thermos", k=1)[0].trace["who"] == "Mateo Quill"


def test_index_switches_to_hnsw_and_agrees_with_exact_search() -> None:
    rng = np.random.default_rng(1)
    vectors = normalize_rows(rng.standard_normal((600, 16)).astype(np.float32))
    exact = VectorIndex(16, force="exact")
    hnsw = VectorIndex(
        16, hnsw_threshold=100, hnsw=HNSWSettings(m=16, ef_construction=100, ef_search=64)
    )
    exact.add(vectors)
    hnsw.add(vectors[:50])
    assert hnsw.kind == "exact"
    hnsw.add(vectors[50:])
    assert hnsw.kind == "hnsw" and len(hnsw) == 600
    queries = normalize_rows(rng.standard_normal((50, 16)).astype(np.float32))
    _, truth = exact.search(queries, 10)
    _, found = hnsw.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(truth, found, strict=True)])
    assert recall > 0.9
    hnsw.remove(int(found[0, 0]))
    assert int(found[0, 0]) not in hnsw.search(queries[:1], 10)[1][0]
    with pytest.raises(ValueError, match="k must be positive"):
        hnsw.search(queries, 0)


def test_hopfield_completion_moves_a_noisy_cue_to_its_pattern() -> None:
    rng = np.random.default_rng(2)
    patterns = normalize_rows(rng.standard_normal((20, 64)).astype(np.float32))
    noisy = patterns[3] + 0.8 * normalize_rows(rng.standard_normal((1, 64)).astype(np.float32))[0]
    completed = complete(noisy, patterns, beta=16.0, steps=2)
    assert completed @ patterns[3] > normalize_rows(noisy[None])[0] @ patterns[3]
    assert int(np.argmax(rerank(noisy, patterns, beta=16.0))) == 3
    with pytest.raises(ValueError, match="steps"):
        complete(noisy, patterns, steps=0)


def test_hopfield_store_option_ranks_candidates() -> None:
    store = filled(hopfield_steps=1, hopfield_candidates=8)
    hits = store.recall("Kira Thorne blue scarf", k=3)
    assert len(hits) == 3 and hits[0].score >= hits[-1].score


def test_text_episodes_and_provenance_survive_a_reopen(tmp_path: Path) -> None:
    store = EpisodeStore(HashingEmbedder(256), tmp_path / "s")
    note = store.write(
        None, "The spare key is under the blue flowerpot.", {"pin": True, "by": "k1"}
    )
    trace = store.write({"who": "Ana", "what": "bag", "where": "Dock", "when": "2024-01-02"})
    assert store.get(note).trace == {} and store.get(note).meta == {"pin": True, "by": "k1"}
    hit = store.recall("where is the spare key", 1)[0]
    assert (hit.id, hit.meta["by"]) == (note, "k1")
    with pytest.raises(StoreError, match="needs non-empty text"):
        store.write(None, "  ")
    store.delete(trace)
    with pytest.raises(StoreError, match="no episode"):
        store.get(trace)
    again = EpisodeStore.load(tmp_path / "s", HashingEmbedder(256))
    assert [e.id for e in again.episodes()] == [note]
    assert again.get(note).text == "The spare key is under the blue flowerpot."
    assert again.get(note).meta == {"pin": True, "by": "k1"}
