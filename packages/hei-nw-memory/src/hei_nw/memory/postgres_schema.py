"""The PostgreSQL backend's tables, made once per database (under an advisory lock, so
two processes starting together make them once): the schema's version, the tenants, and
one episodes table per key dimension."""

from __future__ import annotations

from typing import Any

from hei_nw.memory.protocol import safe_url
from hei_nw.memory.store_files import StoreError

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
        row = db.execute("SELECT max(version) FROM hei_nw_schema").fetchone()
        found = row[0] if row else None
        if found is not None and found > SCHEMA_VERSION:
            raise StoreError(
                f"{safe_url(url)} holds a newer hei-nw schema ({found} > "
                f"{SCHEMA_VERSION}): upgrade hei-nw; nothing was written"
            )
        if found is None:
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
