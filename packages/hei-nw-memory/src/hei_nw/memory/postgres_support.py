"""What the PostgreSQL backend stands on: its tables, made once per database (under an
advisory lock, so two processes starting together make them once: the schema's version,
the tenants, one episodes table per key dimension), keys in pgvector's text form, and
lost connections turned into one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from hei_nw.memory.protocol import safe_url
from hei_nw.memory.store_files import StoreError, StoreUnavailableError

SCHEMA_VERSION = 1
"""Bumped when the tables change; a database with a newer schema is refused."""


def create_schema(db: Any, psycopg: Any, url: str, table: str, dim: int, hnsw: bool) -> None:
    """Make what is missing; refuse a database without pgvector or with a newer schema."""
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(hashtext('hei_nw_schema'))")
        try:
            db.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0]
            raise StoreError(f"{safe_url(url)} has no pgvector extension: {first}") from None
        db.execute("CREATE TABLE IF NOT EXISTS hei_nw_schema (version int NOT NULL)")
        if _check_version(db, safe_url(url)) is None:
            db.execute("INSERT INTO hei_nw_schema VALUES (%s)", (SCHEMA_VERSION,))
        db.execute(
            "CREATE TABLE IF NOT EXISTS hei_nw_tenants (tenant text PRIMARY KEY, "
            "issued bigint NOT NULL DEFAULT 0, embedder text NOT NULL, dim int NOT NULL, "
            "keyer jsonb NOT NULL)"
        )
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (tenant text NOT NULL "
            "REFERENCES hei_nw_tenants(tenant), id text NOT NULL, seq bigint NOT NULL, "
            f"entry text NOT NULL, key halfvec({dim}) NOT NULL, "
            "PRIMARY KEY (tenant, id))"
        )
        if hnsw:
            db.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_key ON {table} USING hnsw (key halfvec_ip_ops)"
            )


def join_tenant(db: Any, where: str, tenant: str, embedder: str, dim: int, keyer: str) -> bool:
    """Register ``tenant`` (first use) or check it was made with ``dim``-d keys; whether
    its keys were made by another embedder (another feature secret: recompute them)."""
    db.execute(
        "INSERT INTO hei_nw_tenants (tenant, embedder, dim, keyer) VALUES "
        "(%s, %s, %s, %s) ON CONFLICT (tenant) DO NOTHING",
        (tenant, embedder, dim, keyer),
    )
    row = db.execute(
        "SELECT embedder, dim FROM hei_nw_tenants WHERE tenant = %s FOR UPDATE", (tenant,)
    ).fetchone()
    assert row is not None
    _check_dim(where, row, embedder, dim)
    return bool(row[0] != embedder)


def find_tenant(db: Any, where: str, table: str, tenant: str, embedder: str, dim: int) -> None:
    """For a read-only opening, which creates nothing: refuse a database or tenant that
    holds no memory, a newer schema, or keys another embedder made (a writer recomputes
    them)."""
    tables = ("hei_nw_schema", "hei_nw_tenants", table)
    found = db.execute(
        "SELECT bool_and(to_regclass(t) IS NOT NULL) FROM unnest(%s::text[]) AS t", (list(tables),)
    ).fetchone()
    row = None
    if found is not None and found[0]:
        _check_version(db, where)
        row = db.execute(
            "SELECT embedder, dim FROM hei_nw_tenants WHERE tenant = %s", (tenant,)
        ).fetchone()
    if row is None:
        raise StoreError(f"{where} holds no memory (opened read-only: nothing was created)")
    _check_dim(where, row, embedder, dim)
    if row[0] != embedder:
        raise StoreError(
            f"{where} was keyed by another embedder ({row[0]}); "
            "open it once for writing to recompute its keys"
        )


def _check_version(db: Any, where: str) -> int | None:
    row = db.execute("SELECT max(version) FROM hei_nw_schema").fetchone()
    found = row[0] if row else None
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"{where} holds a newer hei-nw schema ({found} > "
            f"{SCHEMA_VERSION}): upgrade hei-nw; nothing was written"
        )
    return found


def _check_dim(where: str, row: tuple[str, int], embedder: str, dim: int) -> None:
    if row[1] != dim:
        raise StoreError(
            f"{where} was built with {row[1]}-d keys ({row[0]}); "
            f"this embedder makes {dim}-d ({embedder})"
        )


def halfvec(vector: np.ndarray) -> str:
    """A key as pgvector's text form."""
    return "[" + ",".join(f"{v:.6g}" for v in vector.tolist()) + "]"


P = ParamSpec("P")
R = TypeVar("R")


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def guarded(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[Any, P], R]:
    """A lost connection is :class:`StoreUnavailableError` in one line (the next call
    connects again), not a driver traceback; an acknowledged write was committed."""

    def call(store: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(store, *args, **kwargs)
        except store._psycopg.OperationalError as exc:
            raise StoreUnavailableError(
                f"the database {safe_url(store.url)} is unreachable: {first_line(exc)}"
            ) from None

    call.__name__, call.__doc__ = method.__name__, method.__doc__
    return call
