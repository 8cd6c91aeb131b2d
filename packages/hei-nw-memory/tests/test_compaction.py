"""Compaction: a forgotten episode's text leaves every file of the store, ids are never
given again, and a process killed mid-compaction leaves a store that opens whole."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from hei_nw.memory import EpisodeStore, HashingEmbedder

SECRET = "the vault code is zebra-quartz-4417"


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_compaction_erases_a_forgotten_text_from_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    store = EpisodeStore(HashingEmbedder(256), folder)
    kept = store.write(None, "The spare key is under the blue flowerpot.")
    secret = store.write(None, f"Remember: {SECRET}.")
    store.save()  # the snapshot holds the secret's keys too
    store.delete(secret)
    assert SECRET.encode() in every_byte(folder)  # a delete alone is a log line
    assert store.compact() == 1
    assert SECRET.encode() not in every_byte(folder)
    assert b"zebra" not in every_byte(folder)
    assert store.recall("vault code", k=1)[0].id == kept
    newer = store.write(None, "Lunch is at noon.")
    assert newer == "ep-00000002"  # the forgotten id is not given again
    reopened = EpisodeStore.load(folder, HashingEmbedder(256))
    assert [e.id for e in reopened.episodes()] == [kept, newer]
    assert reopened.write(None, "Another note.") == "ep-00000003"
    assert reopened.recall("spare key", k=1)[0].id == kept


def test_compaction_after_the_last_write_was_forgotten_keeps_its_id_spent(
    tmp_path: Path,
) -> None:
    store = EpisodeStore(HashingEmbedder(64), tmp_path / "s")
    store.write(None, "one")
    store.delete(store.write(None, "two"))
    store.compact()
    reopened = EpisodeStore.load(tmp_path / "s", HashingEmbedder(64))
    assert reopened.write(None, "three") == "ep-00000002"


def test_a_killed_compaction_leaves_the_old_store_or_the_new_one(tmp_path: Path) -> None:
    rng = random.Random(7)
    for attempt in range(6):
        folder = tmp_path / f"s{attempt}"
        script = textwrap.dedent(
            f"""
            from hei_nw.memory import EpisodeStore, HashingEmbedder
            store = EpisodeStore(HashingEmbedder(256), {str(folder)!r})
            ids = [store.write(None, f"note {{i}}: locker {{i * 7}}") for i in range(300)]
            store.save()
            for episode_id in ids[::2]:
                store.delete(episode_id)
            print("ready", flush=True)
            while True:  # each pass rewrites every file: killed at a random point of one
                store.compact()
            """
        )
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.4))
        child.kill()
        child.wait()
        reopened = EpisodeStore.load(folder, HashingEmbedder(256))
        expected = [f"ep-{row:08d}" for row in range(1, 300, 2)]
        assert [e.id for e in reopened.episodes()] == expected, attempt
        assert reopened.recall("note 151: locker 1057", k=1)[0].id == "ep-00000151"
        assert reopened.write(None, "after the crash") == "ep-00000300"


def test_a_store_opened_with_another_embedder_recomputes_its_keys(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    clear, keyed = HashingEmbedder(256), HashingEmbedder(256, secret=b"a feature secret")
    assert keyed.name != clear.name and keyed.name.startswith("hashing-256-keyed-")
    store = EpisodeStore(clear, folder)
    target = store.write(None, "The boat is at pier 9.")
    for i in range(30):
        store.write(None, f"Note {i}: locker {i * 7}.")
    store.save()
    for embedder in (keyed, keyed, clear):  # re-keyed, then as recorded, then back
        reopened = EpisodeStore.load(folder, embedder)
        assert reopened.recall("Where is the boat?", k=1)[0].id == target
        reopened.save()
        assert json.loads((folder / "store.json").read_text())["embedder"] == embedder.name
    probe = keyed.encode(["The boat is at pier 9."])[0]
    assert not np.allclose(probe, clear.encode(["The boat is at pier 9."])[0])


def test_ids_are_never_given_again_after_a_compaction_in_the_same_process(tmp_path: Path) -> None:
    """Found by the soak: after a forget compacted the store, every later write got the
    same id (the next id was counted from the rows, fewer than the ids issued)."""
    store = EpisodeStore(HashingEmbedder(256), tmp_path / "s")
    first = [store.write(None, f"note {i}: locker {100 + i}") for i in range(4)]
    store.delete(first[1])
    store.compact()
    later = [store.write(None, f"later note {i}: locker {900 + i}") for i in range(3)]
    assert later == ["ep-00000004", "ep-00000005", "ep-00000006"]
    assert [store.get(i).text for i in later] == [
        f"later note {i}: locker {900 + i}" for i in range(3)
    ]
    assert len(store) == 6
    reopened = EpisodeStore.load(tmp_path / "s", HashingEmbedder(256))
    assert reopened.write(None, "after reopening") == "ep-00000007"
