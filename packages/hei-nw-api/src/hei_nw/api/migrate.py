"""Moving a memory between a folder and a database (either way): every episode with its
id and provenance, checked by count and content fingerprint, safe to run again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hei_nw.api.checks import MemoryUsageError
from hei_nw.api.defaults import DEFAULTS, MemorySettings
from hei_nw.api.memory import Memory
from hei_nw.memory import Episode, is_database_url


@dataclass(frozen=True)
class Migration:
    """What a move did: episodes copied now, those already there, and the fingerprint
    both sides share."""

    copied: int
    already: int
    fingerprint: str


def fingerprint(episodes: Sequence[Episode]) -> str:
    """SHA-256 of every episode's id, trace, text and provenance, in id order."""
    rows = sorted((e.id, e.trace, e.text, e.meta) for e in episodes)
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def migrate(
    source: str | Path,
    target: str | Path,
    settings: MemorySettings = DEFAULTS,
    tenant: str = "default",
) -> Migration:
    """Copy ``source``'s episodes into ``target`` (a folder or a ``postgresql://`` URL;
    ``tenant`` names the rows in a database). Raises :class:`MemoryUsageError` in one line
    when the source holds nothing or the copy does not match."""
    if not is_database_url(str(source)) and not (Path(source).expanduser() / "store").is_dir():
        raise MemoryUsageError(f"{source} holds no memory to move")
    with Memory.open(source, settings=settings, read_only=True, tenant=tenant) as origin:
        episodes, issued = origin.episodes(), origin.store.issued()
    with Memory.open(target, settings=settings, tenant=tenant) as destination:
        copied = destination.restore(episodes, issued)
        wanted = {e.id for e in episodes}
        landed = [e for e in destination.episodes() if e.id in wanted]
    expected = fingerprint(episodes)
    if len(landed) != len(episodes) or fingerprint(landed) != expected:
        raise MemoryUsageError(
            f"the copy in {target} does not match {source} ({len(landed)} of "
            f"{len(episodes)} episodes alike): it already held other notes under those ids"
        )
    return Migration(copied, len(episodes) - copied, expected)
