"""Atomic file writes: a reader sees the old file or the new one, never a torn one.

Every member that writes a file a user or a later run reads (reports, weights,
checkpoints, the store's snapshot) goes through :func:`write_atomic`: the content is
written to a temporary file beside the target, flushed to disk, then renamed over the
target, and the folder's entry is flushed too, so a killed writer leaves the previous
file intact and no temporary file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

FILE_MODE = 0o644
"""Owner writes, everyone reads: what ``open()`` gives under the usual umask 022."""


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows opening folders)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | Path, write_to: Callable[[Path], object]) -> Path:
    """Call ``write_to(temporary_path)``, fsync what it wrote, then rename it over ``path``.

    The temporary file keeps the target's suffix, so writers that add one when it is
    missing (``numpy.save``) write exactly where they are told.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=f".tmp{target.suffix}"
    )
    os.close(fd)
    tmp = Path(name)
    try:
        tmp.chmod(FILE_MODE)  # mkstemp makes the file 0600; ours are ordinary files
        write_to(tmp)
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return target


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Serialise ``data`` first (a failure leaves no file), then write atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return write_text_atomic(path, text)


def append_line_synced(path: str | Path, line: str) -> None:
    """Append one line to a log and flush it to disk before returning (a crash after
    the call cannot lose it; a crash during it leaves at most a torn last line)."""
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")
        handle.flush()
        os.fsync(handle.fileno())
