"""Expiry: an episode may carry an ``expires_at`` time; once it has passed the episode is
never recalled, and the next compaction erases it (``Memory`` purges on close and on
forget). A time to live is written as a number and a unit: ``90s``, ``30m``, ``12h``,
``7d``, ``2w``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hei_nw.memory import Episode

UNITS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
_TTL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*")


class TTLError(ValueError):
    """A time to live that is not a positive duration; the message is one line."""


def parse_ttl(ttl: str | float | timedelta) -> timedelta:
    """``"7d"``, a number of seconds or a ``timedelta``, as a positive ``timedelta``."""
    if isinstance(ttl, timedelta):
        span = ttl
    elif isinstance(ttl, bool):
        raise TTLError(f"a time to live is a duration such as 7d or 12h, got {ttl!r}")
    elif isinstance(ttl, int | float):
        span = timedelta(seconds=float(ttl))
    else:
        match = _TTL.fullmatch(str(ttl))
        if match is None:
            raise TTLError(
                f"a time to live is a number and a unit (s, m, h, d, w), such as 7d; got {ttl!r}"
            )
        span = timedelta(seconds=float(match.group(1)) * UNITS[match.group(2)])
    if span <= timedelta(0):
        raise TTLError(f"a time to live must be positive, got {ttl!r}")
    return span


def expires_at(ttl: str | float | timedelta, now: datetime | None = None) -> str:
    """When an episode written ``now`` with time to live ``ttl`` expires (ISO 8601, UTC)."""
    moment = (now or datetime.now(UTC)) + parse_ttl(ttl)
    return moment.isoformat(timespec="seconds")


def expiry_of(meta: Mapping[str, Any]) -> datetime | None:
    """An episode's expiry time from its provenance, or None if it never expires."""
    value = meta.get("expires_at")
    return None if value is None else datetime.fromisoformat(str(value))


class Expiries:
    """When each expiring live episode of a memory expires."""

    def __init__(self, episodes: Iterable[Episode] = ()) -> None:
        self._when = {e.id: t for e in episodes if (t := expiry_of(e.meta)) is not None}

    def add(self, episode_id: str, expires: str) -> None:
        self._when[episode_id] = datetime.fromisoformat(expires)

    def discard(self, episode_id: str) -> None:
        self._when.pop(episode_id, None)

    def due(self, now: datetime | None = None) -> set[str]:
        """The episodes expired by ``now`` (default: this moment)."""
        moment = now or datetime.now(UTC)
        return {episode_id for episode_id, when in self._when.items() if when <= moment}
