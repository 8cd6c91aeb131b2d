"""The episode store's files on disk: names, the format tag, atomic writes, and
reading the log, the metadata and the key snapshot back (with their failure modes)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "hei-nw-episode-store/1"
META, LOG, KEYS, INDEX, INDEX_META = (
    "store.json",
    "episodes.jsonl",
    "keys.npy",
    "index.faiss",
    "index.json",
)


class StoreError(ValueError):
    """A store cannot be used as asked; the message is one line for users."""


def atomic(target: Path, write: Any) -> None:
    tmp = target.with_name(f".{target.name}.tmp{target.suffix}")
    write(tmp)
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(target)


def read_meta(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / META).read_text())
    except FileNotFoundError:
        raise StoreError(f"{folder} is not an episode store (no {META})") from None
    except json.JSONDecodeError:
        raise StoreError(f"{folder / META} is corrupt (not JSON)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise StoreError(f"{folder} is not an episode store of format {FORMAT}")
    return meta


def read_log(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Writes and deleted ids; a torn final line is dropped (and cut from the file)."""
    if not path.exists():
        return [], []
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    writes, deletes, good = [], [], 0
    for number, line in enumerate(lines):
        if not line:
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines) - 1:  # the write a killed process was making
                with path.open("r+b") as handle:
                    handle.truncate(good)
                break
            raise StoreError(f"{path} is corrupt at line {number + 1}") from None
        good += len(line) + 1
        if entry.get("op") == "write":
            writes.append(entry)
        elif entry.get("op") == "delete":
            deletes.append(entry["id"])
        else:
            raise StoreError(f"{path} line {number + 1} is not a store entry")
    return writes, deletes


def read_snapshot(folder: Path, writes: int, dim: int) -> np.ndarray | None:
    """The saved keys if they fit the log (None: rebuild from the log)."""
    try:
        keys = np.load(folder / KEYS)
        meta = json.loads((folder / INDEX_META).read_text())
    except (FileNotFoundError, ValueError, OSError):
        return None
    if (
        keys.ndim != 2
        or keys.shape[1] != dim
        or len(keys) > writes
        or meta.get("rows") != len(keys)
    ):
        return None
    snapshot: np.ndarray = keys
    return snapshot
