"""Where a memory lives: a folder holding its episode store (``store/``) and, for a
writer, its lock - or a PostgreSQL database (``postgresql://...``), shared by every
process that opens it, one tenant's rows per memory.

Opening for writing takes the folder's writer lock first (:class:`FolderLock`), so the
store is read only once no other process can change it; a read-only opening takes
none and creates nothing.
"""

from __future__ import annotations

from pathlib import Path

from hei_nw.api.checks import MemoryUsageError
from hei_nw.api.defaults import MemorySettings
from hei_nw.api.encryption import EncryptionKeyError, cipher_from_env, feature_secret
from hei_nw.api.locks import FolderLock
from hei_nw.memory import EpisodeStore, Store, StoreError, make_embedder

STORE = "store"


def open_database(url: str, settings: MemorySettings, tenant: str, read_only: bool) -> Store:
    """``tenant``'s memory in the database at ``url``; no lock: the database orders
    concurrent writers, and every acknowledged write is committed. Read-only creates
    nothing: a tenant the database does not hold is refused in one line."""
    try:
        from hei_nw.memory.postgres import PostgresStore

        embedder = make_embedder(settings.embedder, settings.embedder_dim, feature_secret())
        cipher = cipher_from_env()
        return PostgresStore(
            url, embedder, tenant, settings.keys, cipher=cipher, read_only=read_only
        )
    except ImportError:
        raise MemoryUsageError(
            "a database store needs hei-nw-memory[postgres] (psycopg): install it"
        ) from None
    except (StoreError, EncryptionKeyError, ValueError) as exc:
        raise MemoryUsageError(str(exc).splitlines()[0]) from None


def open_folder(
    root: Path, settings: MemorySettings, read_only: bool
) -> tuple[EpisodeStore, FolderLock | None]:
    """The store in ``root`` (a new empty one if there is none) and the writer lock held
    for it (None when read-only). Errors are one line (:class:`MemoryUsageError`)."""
    if root.exists() and not root.is_dir():
        raise MemoryUsageError(f"{root} is a file, not a memory folder")
    writer = None if read_only else FolderLock(root, settings.lock_timeout_s)
    try:
        if writer is not None:
            writer.acquire()
            _remove_stray_temporaries(root / STORE)
        cipher = cipher_from_env()  # encryption at rest when a key is set
        embedder = make_embedder(settings.embedder, settings.embedder_dim, feature_secret())
        if (root / STORE / "store.json").exists():
            store = EpisodeStore.load(root / STORE, embedder, cipher=cipher, index=settings.index)
        else:
            path = None if read_only else root / STORE
            store = EpisodeStore(
                embedder, path, keys=settings.keys, cipher=cipher, index=settings.index
            )
    except (StoreError, EncryptionKeyError, ValueError) as exc:
        if writer is not None:
            writer.release()
        raise MemoryUsageError(str(exc).splitlines()[0]) from None
    except OSError as exc:  # under a file, in /proc, on a read-only disk, no permission
        if writer is not None:
            writer.release()
        reason = exc.strerror or type(exc).__name__
        raise MemoryUsageError(f"cannot use {root} as a memory folder: {reason}") from None
    except BaseException:
        if writer is not None:
            writer.release()
        raise
    return store, writer


def _remove_stray_temporaries(store: Path) -> None:
    """Delete what a killed atomic write left (``.NAME.tmp.EXT``, never renamed into
    place). Only the writer does this: it holds the lock, so no write is in flight."""
    if store.is_dir():
        for stray in store.glob(".*.tmp*"):
            stray.unlink(missing_ok=True)
