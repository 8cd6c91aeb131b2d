"""The episodic store: write an episode once, recall it later from a partial cue.

On disk a store is a folder:

* ``store.json`` - format, embedder name and dimension, keyer settings (written once);
* ``episodes.jsonl`` - the append-only log, one JSON line per write or delete,
  flushed and fsync'd before ``write``/``delete`` return, so an acknowledged
  episode survives a killed process; a torn last line (the write that was being
  made) is dropped on reopen;
* ``keys.npy`` + ``index.faiss`` + ``index.json`` - a snapshot of the keys and
  index written by :meth:`EpisodeStore.save` (temp file + rename), covering the
  first ``n`` log writes; writes after the snapshot are re-embedded on load.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hei_nw.memory.embedders import Embedder
from hei_nw.memory.hopfield import rerank
from hei_nw.memory.index import DEFAULT_HNSW_THRESHOLD, HNSWSettings, VectorIndex
from hei_nw.memory.keys import Keyer, keyer_from_config, make_keyer
from hei_nw.memory.trace import SLOTS, render_text, validate_trace

FORMAT = "hei-nw-episode-store/1"
META, LOG, KEYS, INDEX, INDEX_META = (
    "store.json",
    "episodes.jsonl",
    "keys.npy",
    "index.faiss",
    "index.json",
)


class StoreError(ValueError):
    """A store cannot be used as asked; the message is one line for users."""


@dataclass(frozen=True)
class Hit:
    """One recalled episode, ranked (0 = best)."""

    id: str
    trace: dict[str, Any]
    text: str
    score: float
    rank: int


class EpisodeStore:
    """Episodes keyed by their text's embedding; recall by a cue's embedding.

    Args:
        embedder: anything with ``encode(texts)`` and ``dim``.
        path: folder to persist to (None: in memory only).
        keys: ``"dense"`` (default: measured best on partial cues) or ``"dg"``.
        hopfield_steps: 0 (default: measured no better) or 1-3 completion steps
            over the top ``hopfield_candidates`` before ranking.
    """

    def __init__(
        self,
        embedder: Embedder,
        path: str | Path | None = None,
        keys: str = "dense",
        *,
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        hnsw: HNSWSettings | None = None,
        hopfield_steps: int = 0,
        hopfield_beta: float = 8.0,
        hopfield_candidates: int = 16,
        _keyer: Keyer | None = None,
    ) -> None:
        self.embedder = embedder
        self.keyer = _keyer or make_keyer(keys, embedder.dim)
        self.index = VectorIndex(self.keyer.dim, hnsw_threshold, hnsw)
        self.hopfield_steps, self.hopfield_beta = hopfield_steps, hopfield_beta
        self.hopfield_candidates = hopfield_candidates
        self.path = None if path is None else Path(path)
        self._ids: list[str] = []  # row -> id
        self._rows: dict[str, int] = {}  # live id -> row
        self._episodes: list[tuple[dict[str, Any], str]] = []  # row -> (trace, text)
        if self.path is not None:
            self._create_folder()

    # -- writing ----------------------------------------------------------------
    def write(self, trace: Mapping[str, Any], text: str | None = None) -> str:
        """Store one episode; returns its id once the write is durable."""
        clean = validate_trace(trace)
        text = render_text(clean) if text is None else text
        episode_id = f"ep-{len(self._ids):08d}"
        self._log({"op": "write", "id": episode_id, "trace": clean, "text": text})
        self._add([episode_id], [(clean, text)], self.keyer.keys(self._embed([text])))
        return episode_id

    def delete(self, episode_id: str) -> None:
        if episode_id not in self._rows:
            raise StoreError(f"no episode {episode_id!r} in the store")
        self._log({"op": "delete", "id": episode_id})
        self.index.remove(self._rows.pop(episode_id))

    def __len__(self) -> int:
        return len(self._rows)

    # -- recall -----------------------------------------------------------------
    def recall(self, cue: str, k: int = 4) -> list[Hit]:
        """The ``k`` episodes best matching ``cue``, best first (fewer if the store is smaller)."""
        if isinstance(k, bool) or not isinstance(k, int) or k <= 0:
            raise StoreError(f"k must be a positive integer, got {k!r}")
        if not self._rows:
            return []
        query = self.keyer.keys(self._embed([cue]))
        fetch = max(k, self.hopfield_candidates) if self.hopfield_steps else k
        scores, rows = self.index.search(query, fetch)
        pairs = [(float(s), int(r)) for s, r in zip(scores[0], rows[0], strict=True) if r >= 0]
        if self.hopfield_steps and pairs:
            candidates = self.index.vectors()[[r for _, r in pairs]]
            new = rerank(query[0], candidates, self.hopfield_beta, self.hopfield_steps)
            pairs = sorted(
                ((float(s), r) for s, (_, r) in zip(new, pairs, strict=True)), key=lambda p: -p[0]
            )
        return [
            Hit(self._ids[row], dict(self._episodes[row][0]), self._episodes[row][1], score, rank)
            for rank, (score, row) in enumerate(pairs[:k])
        ]

    # -- persistence ------------------------------------------------------------
    def save(self) -> None:
        """Snapshot keys and index (atomic renames); the log is already durable."""
        if self.path is None:
            raise StoreError("this store has no path; pass path= to persist it")
        vectors = self.index.vectors()
        _atomic(self.path / KEYS, lambda p: np.save(p, vectors))
        _atomic(self.path / INDEX, lambda p: self.index.write(str(p)))
        meta = {"rows": len(vectors), "kind": self.index.kind}
        _atomic(self.path / INDEX_META, lambda p: Path(p).write_text(json.dumps(meta)))

    @classmethod
    def load(cls, path: str | Path, embedder: Embedder, **options: Any) -> EpisodeStore:
        """Reopen a store folder; refuses foreign or corrupt folders with one line."""
        folder = Path(path)
        meta = _read_meta(folder)
        if meta["embedder_dim"] != embedder.dim:
            raise StoreError(
                f"{folder} was built with a {meta['embedder_dim']}-d embedder "
                f"({meta['embedder']}); this one is {embedder.dim}-d ({embedder.name})"
            )
        store = cls(embedder, None, _keyer=keyer_from_config(meta["keyer"]), **options)
        store.path = folder
        writes, deletes = _read_log(folder / LOG)
        snapshot = _read_snapshot(folder, len(writes), store.keyer.dim)
        covered = 0 if snapshot is None else len(snapshot)
        ids = [w["id"] for w in writes]
        episodes = [(w["trace"], w["text"]) for w in writes]
        fresh = (
            store.keyer.keys(store._embed([t for _, t in episodes[covered:]]))
            if covered < len(writes)
            else None
        )
        if snapshot is not None and covered:
            try:
                store.index.read(str(folder / INDEX), snapshot)
            except (RuntimeError, ValueError):  # index file lost or torn: rebuild from keys
                store.index.add(snapshot)
            store._register(ids[:covered], episodes[:covered])
        if fresh is not None:
            store._add(ids[covered:], episodes[covered:], fresh)
        for episode_id in deletes:
            if episode_id in store._rows:
                store.index.remove(store._rows.pop(episode_id))
        return store

    # -- internals --------------------------------------------------------------
    def _embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.embedder.dim:
            raise StoreError(
                f"embedder returned shape {vectors.shape}, expected (n, {self.embedder.dim})"
            )
        return vectors

    def _register(self, ids: list[str], episodes: list[tuple[dict[str, Any], str]]) -> None:
        for episode_id, episode in zip(ids, episodes, strict=True):
            self._rows[episode_id] = len(self._ids)
            self._ids.append(episode_id)
            self._episodes.append(episode)

    def _add(
        self, ids: list[str], episodes: list[tuple[dict[str, Any], str]], keys: np.ndarray
    ) -> None:
        self.index.add(keys)
        self._register(ids, episodes)

    def _create_folder(self) -> None:
        assert self.path is not None
        if (self.path / META).exists():
            raise StoreError(f"{self.path} already holds a store; open it with EpisodeStore.load")
        if self.path.exists() and any(self.path.iterdir()):
            raise StoreError(f"{self.path} is not empty and is not a store")
        self.path.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "embedder": self.embedder.name,
            "embedder_dim": self.embedder.dim,
            "keyer": self.keyer.config(),
            "slots": list(SLOTS),
        }
        _atomic(self.path / META, lambda p: Path(p).write_text(json.dumps(meta, indent=2)))

    def _log(self, entry: dict[str, Any]) -> None:
        if self.path is None:
            return
        with (self.path / LOG).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def _atomic(target: Path, write: Any) -> None:
    tmp = target.with_name(f".{target.name}.tmp{target.suffix}")
    write(tmp)
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(target)


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / META).read_text())
    except FileNotFoundError:
        raise StoreError(f"{folder} is not an episode store (no {META})") from None
    except json.JSONDecodeError:
        raise StoreError(f"{folder / META} is corrupt (not JSON)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise StoreError(f"{folder} is not an episode store of format {FORMAT}")
    return meta


def _read_log(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Writes and deleted ids; a torn final line is dropped (and cut from the file)."""
    if not path.exists():
        return [], []
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    writes, deletes, good = [], [], 0
    for number, line in enumerate(lines):
        if not line:
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines) - 1:  # the write a killed process was making
                with path.open("r+b") as handle:
                    handle.truncate(good)
                break
            raise StoreError(f"{path} is corrupt at line {number + 1}") from None
        good += len(line) + 1
        if entry.get("op") == "write":
            writes.append(entry)
        elif entry.get("op") == "delete":
            deletes.append(entry["id"])
        else:
            raise StoreError(f"{path} line {number + 1} is not a store entry")
    return writes, deletes


def _read_snapshot(folder: Path, writes: int, dim: int) -> np.ndarray | None:
    """The saved keys if they fit the log (None: rebuild from the log)."""
    try:
        keys = np.load(folder / KEYS)
        meta = json.loads((folder / INDEX_META).read_text())
    except (FileNotFoundError, ValueError, OSError):
        return None
    if (
        keys.ndim != 2
        or keys.shape[1] != dim
        or len(keys) > writes
        or meta.get("rows") != len(keys)
    ):
        return None
    snapshot: np.ndarray = keys
    return snapshot
