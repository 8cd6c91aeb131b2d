"""The episodic store: write an episode once, recall it later from a partial cue.

On disk a store is a folder:

* ``store.json`` - format, embedder name and dimension, keyer settings (written once);
* ``episodes.jsonl`` - the append-only log, one JSON line per write or delete
  (a write holds the episode's trace - or none, for a text episode - its text
  and its provenance ``meta``),
  flushed and fsync'd before ``write``/``delete`` return, so an acknowledged
  episode survives a killed process; a torn last line (the write that was being
  made) is dropped on reopen;
* ``keys.npy`` + ``index.faiss`` + ``index.json`` - a snapshot of the keys and
  index written by :meth:`EpisodeStore.save` (temp file + rename), covering the
  first ``n`` log writes; writes after the snapshot are re-embedded on load.

A delete is a log line: recall stops at once; the text stays in the log until
``compact`` rewrites the folder with the live episodes only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from hei_nw.core import append_line_synced
from hei_nw.memory.embedders import Embedder
from hei_nw.memory.hopfield import rerank
from hei_nw.memory.index import DEFAULT_HNSW_THRESHOLD, INDEXES, HNSWSettings, VectorIndex
from hei_nw.memory.keys import Keyer, make_keyer
from hei_nw.memory.records import Episode, Hit, episode_id, id_number
from hei_nw.memory.store_files import (
    INDEX,
    INDEX_META,
    KEYS,
    LOG,
    Cipher,
    StoreError,
    create_folder,
    episode_content,
    rewrite_log,
    seal_entry,
)

__all__ = ["Episode", "EpisodeStore", "Hit", "StoreError", "episode_id"]


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
        index: str = "auto",
        hopfield_steps: int = 0,
        hopfield_beta: float = 8.0,
        hopfield_candidates: int = 16,
        cipher: Cipher | None = None,
        _keyer: Keyer | None = None,
    ) -> None:
        self.embedder = embedder
        self.cipher = cipher
        self.keyer = _keyer or make_keyer(keys, embedder.dim)
        if index not in INDEXES:
            raise StoreError(f"unknown index {index!r}; choose from {', '.join(INDEXES)}")
        force = None if index == "auto" else index
        self.index = VectorIndex(self.keyer.dim, hnsw_threshold, hnsw, force)
        self.hopfield_steps, self.hopfield_beta = hopfield_steps, hopfield_beta
        self.hopfield_candidates = hopfield_candidates
        self.path = None if path is None else Path(path)
        self._ids: list[str] = []  # row -> id
        self._rows: dict[str, int] = {}  # live id -> row
        self._episodes: list[tuple[dict[str, Any], str]] = []  # row -> (trace, text)
        self._meta: list[dict[str, Any]] = []  # row -> provenance
        self._issued = 0  # ids given so far (the next is episode_id(_issued)); never reused
        self._rekeyed = False  # loaded with another embedder than the folder records
        if self.path is not None:
            create_folder(self.path, self.embedder, self.keyer.config())

    # -- writing ----------------------------------------------------------------
    def write(
        self,
        trace: Mapping[str, Any] | None,
        text: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> str:
        """Store one episode - a trace, or with ``trace=None`` a text - with its
        provenance ``meta`` (JSON-safe); returns its id once the write is durable."""
        clean, text = episode_content(trace, text)
        provenance = dict(meta or {})
        new_id = episode_id(self._issued)
        self._log(seal_entry(self.cipher, new_id, clean, text, provenance))
        self._add([new_id], [(clean, text)], self.keyer.keys(self._embed([text])), [provenance])
        return new_id

    def restore(self, episode: Episode) -> bool:
        """Write ``episode`` under its own id with its provenance (moving a store); an id
        this store already issued is left alone, so a move can run again. Whether it
        was written."""
        if id_number(episode.id) < self._issued:  # ids are issued in order: it is here
            return False
        trace, text, meta = dict(episode.trace), episode.text, dict(episode.meta)
        self._log(seal_entry(self.cipher, episode.id, trace, text, meta))
        self._add([episode.id], [(trace, text)], self.keyer.keys(self._embed([text])), [meta])
        self._issued = id_number(episode.id) + 1
        return True

    def issued(self) -> int:
        return self._issued

    def generation(self) -> tuple[int, int]:
        return len(self._rows), self._issued

    def reserve(self, issued: int) -> None:
        if issued > self._issued:
            self._log({"op": "issued", "count": issued})
            self._issued = issued

    def get(self, episode_id: str) -> Episode:
        """The live episode ``episode_id``; a deleted or unknown id is a :class:`StoreError`."""
        row = self._rows.get(episode_id)
        if row is None:
            raise StoreError(f"no episode {episode_id!r} in the store")
        trace, text = self._episodes[row]
        return Episode(episode_id, dict(trace), text, dict(self._meta[row]))

    def episodes(self) -> list[Episode]:
        """Every live episode, in write order."""
        return [self.get(episode_id) for episode_id in self._rows]

    def delete(self, episode_id: str) -> None:
        if episode_id not in self._rows:
            raise StoreError(f"no episode {episode_id!r} in the store")
        self._log({"op": "delete", "id": episode_id})
        self.index.remove(self._rows.pop(episode_id))

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, episode_id: object) -> bool:
        """Whether ``episode_id`` is a live episode."""
        return episode_id in self._rows

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
            Hit(
                self._ids[row],
                dict(self._episodes[row][0]),
                self._episodes[row][1],
                score,
                rank,
                dict(self._meta[row]),
            )
            for rank, (score, row) in enumerate(pairs[:k])
        ]

    def nearest(self, text: str) -> tuple[float, str] | None:
        """The stored episode most similar to ``text`` by key (inner product of the keys,
        the cosine for dense keys) and that similarity; None for an empty store."""
        if not self._rows:
            return None
        scores, rows = self.index.search(self.keyer.keys(self._embed([text])), 1)
        row = int(rows[0][0])
        return (float(scores[0][0]), self._ids[row]) if row >= 0 else None

    # -- persistence ------------------------------------------------------------
    def save(self) -> None:
        """Snapshot keys and index (atomic renames); the log is already durable
        (:func:`hei_nw.memory.store_disk.save_store`)."""
        from hei_nw.memory.store_disk import save_store

        save_store(self)

    @classmethod
    def load(cls, path: str | Path, embedder: Embedder, **options: Any) -> EpisodeStore:
        """Reopen a store folder; refuses foreign or corrupt folders with one line
        (:func:`hei_nw.memory.store_disk.load_store`)."""
        from hei_nw.memory.store_disk import load_store

        return load_store(cls, Path(path), embedder, **options)

    def reseal(self, cipher: Cipher | None) -> None:
        """Rewrite the log under ``cipher`` (None: in the clear): key rotation, or encrypting
        a store written in the clear. Crash-safe (temporary file, sync, rename)."""
        if self.path is None:
            raise StoreError("this store has no path: there is no log to reseal")
        self.cipher = cipher
        rewrite_log(
            self.path / LOG,
            self.cipher,
            self._ids,
            self._episodes,
            self._meta,
            set(self._rows),
            self._issued,
        )

    def compact(self) -> int:
        """Keep only the live episodes, in every file: the log is rewritten without the
        deleted writes, the index and snapshot are rebuilt from the live keys. Returns
        how many deleted episodes were erased.

        Crash-safe: the old snapshot goes first (without it a load rebuilds from the
        log), then the log is replaced in one rename, then the new snapshot is saved;
        a crash at any point leaves the old log or the new one, never neither."""
        live = list(self._rows)  # write order
        erased = len(self._ids) - len(live)
        rows = [self._rows[i] for i in live]
        episodes = [self._episodes[r] for r in rows]
        metas = [self._meta[r] for r in rows]
        keys = self.index.vectors()[rows]
        if self.path is not None:
            for name in (INDEX_META, KEYS, INDEX):
                (self.path / name).unlink(missing_ok=True)
            rewrite_log(
                self.path / LOG, self.cipher, live, episodes, metas, set(live), self._issued
            )
        self._ids, self._rows, self._episodes, self._meta = [], {}, [], []
        old = self.index
        self.index = VectorIndex(self.keyer.dim, old.hnsw_threshold, old.hnsw, old.force)
        self._add(live, episodes, keys, metas)
        if self.path is not None:
            self.save()
        return erased

    # -- internals --------------------------------------------------------------
    def _embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.embedder.dim:
            raise StoreError(
                f"embedder returned shape {vectors.shape}, expected (n, {self.embedder.dim})"
            )
        return vectors

    def _register(
        self,
        ids: list[str],
        episodes: list[tuple[dict[str, Any], str]],
        metas: list[dict[str, Any]],
    ) -> None:
        # The next id follows the highest ever registered: after a compaction the rows
        # are fewer than the ids issued, and counting rows would give an id again.
        self._issued = max([self._issued, *(id_number(i) + 1 for i in ids)])
        for new_id, episode, meta in zip(ids, episodes, metas, strict=True):
            self._rows[new_id] = len(self._ids)
            self._ids.append(new_id)
            self._episodes.append(episode)
            self._meta.append(meta)

    def _add(
        self,
        ids: list[str],
        episodes: list[tuple[dict[str, Any], str]],
        keys: np.ndarray,
        metas: list[dict[str, Any]],
    ) -> None:
        self.index.add(keys)
        self._register(ids, episodes, metas)

    def _log(self, entry: dict[str, Any]) -> None:
        if self.path is not None:
            append_line_synced(self.path / LOG, json.dumps(entry, sort_keys=True))
