"""Locks: within a process, a readers-writer lock (many readers at once, one writer
alone: recalls may overlap, a write must not overlap anything, the index is being
changed); across processes, one writer per memory folder (:class:`FolderLock`).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from hei_nw.api.checks import MemoryUsageError


class ReadWriteLock:
    """``with lock.reading(): ...`` shares; ``with lock.writing(): ...`` excludes.

    Writers are not starved: once a writer waits, new readers wait behind it.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._condition:
            while self._writing or self._writers_waiting:
                self._condition.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._condition:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._condition.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._condition:
                self._writing = False
                self._condition.notify_all()


class FolderLock:
    """One writing process per memory folder: an advisory ``fcntl`` lock on
    ``<folder>/.writer.lock``, held from :meth:`acquire` until :meth:`release` (or the
    process ends). A second writer - a CLI ``remember`` against a folder a server is
    serving, say - waits up to ``timeout_s`` and then gets a one-line error instead of
    writing behind the server's back (duplicate ids, a misaligned index)."""

    NAME = ".writer.lock"

    def __init__(self, folder: Path, timeout_s: float) -> None:
        self.path = folder / self.NAME
        self.timeout_s = timeout_s
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    handle.close()
                    raise MemoryUsageError(
                        f"{self.path.parent} is being written by {holder}; stop it or go "
                        "through it (a running server's API), or read with list, history "
                        "and ask, which take no lock"
                    ) from None
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
