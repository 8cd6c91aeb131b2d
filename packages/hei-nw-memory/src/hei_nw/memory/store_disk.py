"""A store's folder written and read back. Saving snapshots the keys and the index
(atomic renames). Reopening replays the log, reuses the snapshot's keys for the writes
it covers, re-embeds the writes after it and applies the deletes; keys made by another
embedder (another feature secret, say) are all recomputed, and the next save rewrites
the snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hei_nw.core import write_atomic, write_text_atomic
from hei_nw.memory.embedders import Embedder
from hei_nw.memory.keys import keyer_from_config
from hei_nw.memory.store_files import (
    INDEX,
    INDEX_META,
    KEYS,
    LOG,
    META,
    StoreError,
    open_entry,
    read_log,
    read_meta,
    read_snapshot,
)

if TYPE_CHECKING:
    from hei_nw.memory.store import EpisodeStore


def load_store(
    cls: type[EpisodeStore], folder: Path, embedder: Embedder, **options: Any
) -> EpisodeStore:
    """The store in ``folder``, made with ``embedder``; one-line errors for foreign,
    corrupt or mismatched folders."""
    meta = read_meta(folder)
    if meta["embedder_dim"] != embedder.dim:
        raise StoreError(
            f"{folder} was built with a {meta['embedder_dim']}-d embedder "
            f"({meta['embedder']}); this one is {embedder.dim}-d ({embedder.name})"
        )
    store = cls(embedder, None, _keyer=keyer_from_config(meta["keyer"]), **options)
    store.path = folder
    writes, deletes, issued = read_log(folder / LOG)
    writes = [open_entry(store.cipher, w, folder) for w in writes]
    # Keys made by another embedder (another feature secret, say) are recomputed.
    store._rekeyed = meta.get("embedder") != embedder.name
    snapshot = None if store._rekeyed else read_snapshot(folder, len(writes), store.keyer.dim)
    covered = 0 if snapshot is None else len(snapshot)
    ids = [w["id"] for w in writes]
    episodes = [(w["trace"], w["text"]) for w in writes]
    metas = [w.get("meta", {}) for w in writes]
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
        store._register(ids[:covered], episodes[:covered], metas[:covered])
    if fresh is not None:
        store._add(ids[covered:], episodes[covered:], fresh, metas[covered:])
    for deleted in deletes:
        if deleted in store._rows:
            store.index.remove(store._rows.pop(deleted))
    store._issued = issued
    return store


def save_store(store: EpisodeStore) -> None:
    """Snapshot ``store``'s keys and index. A store re-keyed on load (another embedder)
    first drops the old snapshot, then records its embedder, then writes the new
    snapshot: no crash pairs keys with the wrong one."""
    if store.path is None:
        raise StoreError("this store has no path; pass path= to persist it")
    if store._rekeyed:
        for name in (INDEX_META, KEYS, INDEX):
            (store.path / name).unlink(missing_ok=True)
        meta = {**read_meta(store.path), "embedder": store.embedder.name}
        write_text_atomic(store.path / META, json.dumps(meta, indent=2))
        store._rekeyed = False
    vectors = store.index.vectors()
    write_atomic(store.path / KEYS, lambda p: np.save(p, vectors))
    write_atomic(store.path / INDEX, lambda p: store.index.write(str(p)))
    meta = {"rows": len(vectors), "kind": store.index.kind}
    write_text_atomic(store.path / INDEX_META, json.dumps(meta))
