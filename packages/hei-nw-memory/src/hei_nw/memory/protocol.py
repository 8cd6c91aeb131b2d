"""What a memory needs of a store, whichever backend holds it.

``embedded`` (:class:`~hei_nw.memory.EpisodeStore`: a durable log and a FAISS index in
one folder) is the default; ``postgres`` (:class:`~hei_nw.memory.postgres.PostgresStore`)
keeps the same episodes in PostgreSQL with pgvector, shared by every process that opens
the database. The API and the harness use a store only through these operations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from hei_nw.memory.embedders import Embedder
from hei_nw.memory.records import Episode, Hit
from hei_nw.memory.store_files import Cipher


class Store(Protocol):
    """Episodes written once, recalled by a cue, forgotten for good."""

    embedder: Embedder

    def write(
        self,
        trace: Mapping[str, Any] | None,
        text: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> str:
        """Store one episode; returns its id once the write is durable."""
        ...

    def restore(self, episode: Episode) -> bool:
        """Write ``episode`` under its own id (moving a store); False if already there."""
        ...

    def generation(self) -> tuple[int, int]:
        """Changes whenever an episode is written or deleted, by any process sharing the
        store (what a memory checks before trusting what it derived from the episodes)."""
        ...

    def issued(self) -> int:
        """How many ids were ever given (the next is ``episode_id(issued)``)."""
        ...

    def reserve(self, issued: int) -> None:
        """Never give an id below ``episode_id(issued)`` (a moved store's forgotten ids)."""
        ...

    def get(self, episode_id: str) -> Episode: ...

    def episodes(self) -> list[Episode]:
        """Every live episode, in write order."""
        ...

    def delete(self, episode_id: str) -> None: ...

    def __len__(self) -> int: ...

    def __contains__(self, episode_id: object) -> bool: ...

    def recall(self, cue: str, k: int = 4) -> list[Hit]:
        """The ``k`` episodes best matching ``cue``, best first."""
        ...

    def nearest(self, text: str) -> tuple[float, str] | None:
        """The most similar stored episode's key similarity and id; None when empty."""
        ...

    def save(self) -> None:
        """Make everything written so far quick to reopen (durable already)."""
        ...

    def compact(self) -> int:
        """Erase deleted episodes from every file the backend writes."""
        ...

    def reseal(self, cipher: Cipher | None) -> None:
        """Rewrite every episode under ``cipher`` (None: in the clear)."""
        ...


BACKENDS = ("embedded", "postgres")
"""``embedded``: a folder; ``postgres``: a ``postgresql://`` URL."""


def is_database_url(location: str) -> bool:
    """Whether a store location names a PostgreSQL database rather than a folder."""
    return location.startswith(("postgresql://", "postgres://"))


def safe_url(url: str) -> str:
    """``url`` with any password blanked, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
