"""The episode store's files on disk: names, the format tag, and reading the log, the metadata and the key snapshot back (with their failure modes)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from hei_nw.core import write_text_atomic
from hei_nw.memory.trace import SLOTS, render_text, validate_trace

FORMAT = "hei-nw-episode-store/1"
META, LOG, KEYS, INDEX, INDEX_META = (
    "store.json",
    "episodes.jsonl",
    "keys.npy",
    "index.faiss",
    "index.json",
)


class Cipher(Protocol):
    """Symmetric authenticated encryption of log entries (``cryptography``'s Fernet and
    MultiFernet fit): what a store needs to keep episode text unreadable at rest."""

    def encrypt(self, data: bytes) -> bytes: ...

    def decrypt(self, token: bytes) -> bytes: ...


class StoreError(ValueError):
    """A store cannot be used as asked; the message is one line for users."""


class StoreUnavailableError(StoreError):
    """The store's database cannot be reached right now (it may come back: retry)."""


def episode_content(
    trace: Mapping[str, Any] | None, text: str | None
) -> tuple[dict[str, Any], str]:
    """What a write stores: a checked trace and its text (rendered when not given), or,
    with ``trace=None``, a non-empty text and an empty trace."""
    if trace is None:
        if not isinstance(text, str) or not text.strip():
            raise StoreError("a text episode needs non-empty text")
        return {}, text
    clean = validate_trace(trace)
    return clean, render_text(clean) if text is None else text


def create_folder(path: Path, embedder: Any, keyer_config: dict[str, Any]) -> None:
    """Make a new store's folder and its ``store.json`` (format, embedder, keyer, slots);
    a folder holding a store, or anything else, is refused in one line."""
    if (path / META).exists():
        raise StoreError(f"{path} already holds a store; open it with EpisodeStore.load")
    if path.exists() and any(path.iterdir()):
        raise StoreError(f"{path} is not empty and is not a store")
    path.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": FORMAT,
        "embedder": embedder.name,
        "embedder_dim": embedder.dim,
        "keyer": keyer_config,
        "slots": list(SLOTS),
    }
    write_text_atomic(path / META, json.dumps(meta, indent=2))


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


def read_log(path: Path) -> tuple[list[dict[str, Any]], list[str], int]:
    """Writes, deleted ids and how many ids were ever issued (a compacted log no longer
    holds its forgotten writes, but their ids are never given again); a torn final line
    is dropped (and cut from the file)."""
    if not path.exists():
        return [], [], 0
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    writes, deletes, good, issued = [], [], 0, 0
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
            issued = max(issued, int(str(entry["id"]).rsplit("-", 1)[-1]) + 1)  # ep-00000012
        elif entry.get("op") == "delete":
            deletes.append(entry["id"])
        elif entry.get("op") == "issued":
            issued = max(issued, int(entry["count"]))
        else:
            raise StoreError(f"{path} line {number + 1} is not a store entry")
    if raw and not raw.endswith(b"\n") and good > len(raw):
        # The last record is whole but its newline was never written (a crash between
        # the two): end it, or the next append would glue two records into one line.
        with path.open("ab") as handle:
            handle.write(b"\n")
            handle.flush()
            os.fsync(handle.fileno())
    return writes, deletes, issued


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


def seal_entry(
    cipher: Cipher | None, episode_id: str, trace: dict[str, Any], text: str, meta: dict[str, Any]
) -> dict[str, Any]:
    """A write's log line: the episode in the clear, or sealed by ``cipher``."""
    body: dict[str, Any] = {"trace": trace, "text": text, **({"meta": meta} if meta else {})}
    if cipher is None:
        return {"op": "write", "id": episode_id, **body}
    sealed = cipher.encrypt(json.dumps(body, sort_keys=True).encode()).decode()
    return {"op": "write", "id": episode_id, "sealed": sealed}


def open_entry(cipher: Cipher | None, entry: dict[str, Any], folder: Path | str) -> dict[str, Any]:
    """A log line with a sealed episode opened (one-line errors without the right key)."""
    if "sealed" not in entry:
        return entry
    if cipher is None:
        raise StoreError(f"{folder} holds encrypted episodes: give the key (HEI_NW_ENCRYPTION_KEY)")
    try:
        body = json.loads(cipher.decrypt(entry["sealed"].encode()))
    except Exception:  # the cipher's own error type (e.g. InvalidToken) is not ours to name
        raise StoreError(f"{folder}: episode {entry['id']} does not open with this key") from None
    return {"op": "write", "id": entry["id"], **body}


def rewrite_log(
    path: Path,
    cipher: Cipher | None,
    ids: list[str],
    episodes: list[tuple[dict[str, Any], str]],
    metas: list[dict[str, Any]],
    live: set[str],
    issued: int,
) -> None:
    """Write the whole log anew, atomically: how many ids were issued, every write in
    order, then the deletes."""
    lines: list[dict[str, Any]] = [{"op": "issued", "count": issued}]
    lines += [
        seal_entry(cipher, episode_id, trace, text, meta)
        for episode_id, (trace, text), meta in zip(ids, episodes, metas, strict=True)
    ]
    lines += [{"op": "delete", "id": i} for i in ids if i not in live]
    body = "".join(json.dumps(entry, sort_keys=True) + "\n" for entry in lines)
    write_text_atomic(path, body)
