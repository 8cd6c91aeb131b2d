"""``Memory``: the door for users. Remember things once; ask later with nothing in the prompt.

    with Memory.open("~/notes-memory") as memory:
        memory.remember("The spare key is under the blue flowerpot.", pin=True)
        answer = memory.ask("Where is the spare key?")
        print(answer.text, [e.id for e in answer.episodes])

A memory is a folder holding an episodic store (``store/``: a durable log, so an
acknowledged write survives a killed process). Asking recalls the best-matching current
episodes, packs them as memory tokens and lets the frozen model answer through the
memory reader - the harness's B1 read path and prompt. The model loads on the first ask
that recalls something: remembering, listing and forgetting need none. One process
writes a folder at a time; within it, writes go one at a time and recalls concurrently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hei_nw.api.answers import Answer, answer_together
from hei_nw.api.checks import (
    MemoryUsageError,
    UnknownEpisodeError,
    check_question,
    check_write,
    clean_episode,
)
from hei_nw.api.consolidation import closed_book_answer
from hei_nw.api.defaults import DEFAULTS, MemorySettings, choosing
from hei_nw.api.encryption import EncryptionKeyError, cipher_to_seal_with
from hei_nw.api.folder import open_database, open_folder
from hei_nw.api.gating import Written
from hei_nw.api.history import read_current
from hei_nw.api.lazy_engine import LazyEngine
from hei_nw.api.locks import FolderLock, ReadWriteLock
from hei_nw.api.write_policy import WritePolicy
from hei_nw.memory import Episode, Hit, Store, StoreError, prefer_recent, render_text
from hei_nw.memory.protocol import is_database_url, safe_url

if TYPE_CHECKING:  # the model stack loads on the first ask, not on import
    from hei_nw.api.engine import Engine

RECENCY_CANDIDATES = 8
"""Hits recall fetches to look for a newer near-tie of the best (the measured setting)."""


class Memory:
    """A folder of episodes and the model that answers from them."""

    def __init__(
        self,
        folder: Path | str,
        store: Store,
        settings: MemorySettings,
        engine: Engine | None,
        writer: FolderLock | None = None,
        read_only: bool | None = None,
    ) -> None:
        self.folder = folder
        """The memory's folder, or its database URL (password blanked)."""
        self.settings = settings
        self.read_only = writer is None if read_only is None else read_only
        """Opened without the folder's writer lock: reads only (list, history, ask)."""
        self._writer = writer
        self._closed = False
        self._store = store
        self._engine = LazyEngine(settings, engine)
        self._lock = ReadWriteLock()
        self.write_policy = WritePolicy(settings, store, self._engine)
        """What gets written, superseded, expired and evicted (:mod:`hei_nw.api.write_policy`)."""

    # -- opening ----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        folder: str | Path,
        model: str | None = None,
        reader: str | None = None,
        *,
        settings: MemorySettings = DEFAULTS,
        engine: Engine | None = None,
        read_only: bool = False,
        tenant: str = "default",
    ) -> Memory:
        """Open the memory in ``folder`` (created if new). ``model`` and ``reader`` override
        the defaults (SmolLM2 and its shipped span reader; a copy-head ``reader`` answers
        by generation, :func:`~hei_nw.api.defaults.choosing`); ``engine`` shares an already
        loaded model and reader (a server's tenants).

        One process at a time may write a folder: opening takes its writer lock (waiting
        up to ``settings.lock_timeout_s``) until :meth:`close`. ``read_only=True`` takes
        no lock and writes nothing, not even on close: the episodes as they were when
        opened (a folder that holds no memory yet reads as empty and is not created).

        ``folder`` may instead be a ``postgresql://`` URL: ``tenant``'s memory in that
        database, which several processes may write at once (no lock is taken)."""
        settings = choosing(settings, model, reader)
        if is_database_url(str(folder)):
            store = open_database(str(folder), settings, tenant, read_only)
            return cls(safe_url(str(folder)), store, settings, engine, None, read_only)
        root = Path(folder).expanduser()
        store, writer = open_folder(root, settings, read_only)
        return cls(root, store, settings, engine, writer)

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rotate_key(self) -> int:
        """Re-seal every episode under the current ``HEI_NW_ENCRYPTION_KEY`` (old keys in
        ``HEI_NW_ENCRYPTION_OLD_KEYS`` opened them); encrypts a store kept in the clear.
        Returns how many episodes the log holds."""
        try:
            cipher = cipher_to_seal_with()
        except EncryptionKeyError as exc:
            raise MemoryUsageError(str(exc)) from None
        self._check_writable()
        with self._lock.writing():
            self._store.reseal(cipher)
            return len(self._store)

    def close(self) -> None:
        """Erase expired episodes, snapshot the index so the next open is quick (the log
        is durable already) and let another process write the folder; a database's
        connection is closed. Read-only: nothing is written."""
        if self._closed:
            return
        if self.read_only:
            self._closed = True
            self._disconnect()
            return
        with self._lock.writing():
            try:
                if not self.write_policy.purge_expired():
                    self._store.save()  # (a purge's compaction saved it already)
            finally:
                self._closed = True
                self._disconnect()
                if self._writer is not None:
                    self._writer.release()

    def _disconnect(self) -> None:
        """Close the store's connection, where it has one (a database)."""
        close = getattr(self._store, "close", None)
        if callable(close):
            close()

    def _check_writable(self) -> None:
        if self.read_only:
            raise MemoryUsageError(f"{self.folder} is open read-only: nothing can be written")
        if self._closed:
            raise MemoryUsageError(f"the memory in {self.folder} is closed")

    @property
    def engine(self) -> Engine:
        """The model and reader, loaded on first use."""
        return self._engine.get()

    # -- writing ----------------------------------------------------------------
    def remember(
        self,
        episode: str | Mapping[str, Any],
        pin: bool = False,
        reward: float = 0.0,
        *,
        redact_private: bool | None = None,
        source: str = "api",
        ttl: str | float | timedelta | None = None,
        replaces: str | None = None,
    ) -> Written:
        """Store a text (a note, a message) or a trace (``who/what/where/when`` and more),
        if the write gate lets it in (``settings.gate``; :mod:`hei_nw.api.gating`).

        Private data is redacted first unless ``redact_private=False`` (the opt-out is
        recorded in the episode's provenance). A refusal is not an error: ``Written``
        says why (a near-duplicate, the system's own output, low salience). ``ttl``
        (``"7d"``, seconds, a ``timedelta``) makes it expire: never recalled after, erased
        at the next compaction. ``replaces`` (a stored id) makes it the current version
        of that note: the old one stays in :meth:`history` but is no longer read.
        """
        self._check_writable()
        expiry = check_write(reward, ttl)
        redacting = self.settings.redact if redact_private is None else redact_private
        text, trace, removed = clean_episode(episode, redacting, self.settings.max_text_chars)
        key_text = text if text is not None else render_text(trace or {})
        with self._lock.writing():
            return self.write_policy.write(
                text,
                trace,
                key_text,
                pin=pin,
                reward=reward,
                source=source,
                expiry=expiry,
                replaces=replaces,
                redaction=removed,
            )

    def restore(self, episodes: Sequence[Episode], issued: int = 0) -> int:
        """Write episodes moved from another memory under their own ids and provenance
        (:func:`hei_nw.api.migrate.migrate`); those already here are left, and no id
        below ``issued`` (the other memory's count) is given again. How many were written."""
        self._check_writable()
        with self._lock.writing():
            written = sum(self._store.restore(e) for e in episodes)
            self._store.reserve(issued)
            self.write_policy.reload()
        return written

    def forget(self, episode_id: str) -> None:
        """Delete an episode for good: its text leaves every file of the store (the log
        is compacted and the index rebuilt), and expired episodes go with it."""
        self._check_writable()
        with self._lock.writing():
            self.write_policy.forget(episode_id)

    # -- reading ----------------------------------------------------------------
    def episodes(self) -> list[Episode]:
        """Every live episode, oldest first."""
        with self._lock.reading():
            return self._store.episodes()

    def get(self, episode_id: str) -> Episode:
        with self._lock.reading():
            try:
                return self._store.get(episode_id)
            except StoreError:
                raise UnknownEpisodeError(episode_id) from None

    def history(self, episode_id: str) -> list[Episode]:
        """The line of notes ``episode_id`` belongs to, oldest first; the last is current."""
        with self._lock.reading():
            if episode_id not in self._store:
                raise UnknownEpisodeError(episode_id)
            self.write_policy.refresh()
            return [self._store.get(i) for i in self.write_policy.lineage.line(episode_id)]

    def __len__(self) -> int:
        return len(self._store)

    @property
    def store(self) -> Store:
        """The episode store underneath (read it under :meth:`episodes` and :meth:`recall`)."""
        return self._store

    def recall(self, question: str, k: int | None = None) -> list[Hit]:
        """The ``k`` current, unexpired episodes that best match ``question``, best first."""
        return self.recall_current(question, k)[0]

    def recall_current(self, question: str, k: int | None = None) -> tuple[list[Hit], list[str]]:
        """:meth:`recall`, and the superseded episodes it found, read as their current
        versions. Near-ties about the same thing are read newest first."""
        question = check_question(question, self.settings.max_question_chars)
        k = k or self.settings.read.recall_k
        settings = self.settings
        with self._lock.reading():
            self.write_policy.refresh()
            expired = self.write_policy.expiry.due()
            hits = self._store.recall(question, max(k, RECENCY_CANDIDATES) + len(expired))
            live = [h for h in hits if h.id not in expired]
            recent_first = prefer_recent(
                live, self._store.embedder, settings.recency_window, settings.recency_similarity
            )
            current, replaced = read_current(
                recent_first, self.write_policy.lineage, self._store.get
            )
        return current[:k], replaced

    def ask(
        self,
        question: str,
        k: int | None = None,
        stream: Callable[[str], None] | None = None,
        *,
        closed_book: bool = False,
    ) -> Answer:
        """Answer from memory alone; ``stream`` receives the answer's text as it comes.
        With nothing relevant in memory the answer is not known (``Answer.known``).
        ``closed_book=True``: from the consolidated weights alone (``hei-nw consolidate``)."""
        if closed_book:
            return closed_book_answer(self, question)
        return self.ask_many([question], k, stream)[0]

    def ask_many(
        self,
        questions: Sequence[str],
        k: int | None = None,
        stream: Callable[[str], None] | None = None,
    ) -> list[Answer]:
        """Several questions in one batched generate call (the model loads only if some
        question recalled an episode)."""
        return answer_together(lambda: self.engine, [(self, q, k) for q in questions], stream)
