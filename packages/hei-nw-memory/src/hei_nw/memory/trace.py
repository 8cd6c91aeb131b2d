"""Episode traces as the store keeps them: the four slots, plus optional fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hei_nw.pack import SLOTS

__all__ = ["SLOTS", "render_text", "validate_trace"]


def validate_trace(trace: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-safe copy of ``trace``; it must be a mapping holding all four slots."""
    if not isinstance(trace, Mapping):
        raise ValueError(f"a trace must be a mapping of slot -> value, got {type(trace).__name__}")
    missing = [slot for slot in SLOTS if slot not in trace]
    if missing:
        raise ValueError(f"trace lacks the slot(s) {', '.join(missing)} (needs {', '.join(SLOTS)})")
    clean: dict[str, Any] = {}
    for key, value in trace.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ValueError(
                f"trace field {key!r} must be a string, number or date, got {type(value).__name__}"
            )
        clean[str(key)] = value
    return clean


def render_text(trace: Mapping[str, Any]) -> str:
    """The text an episode is embedded by when none is given: its slots, then other fields."""
    parts = [f"{slot}: {trace[slot]}" for slot in SLOTS if trace.get(slot) not in (None, "")]
    parts += [f"{k}: {v}" for k, v in trace.items() if k not in SLOTS and v not in (None, "")]
    return "; ".join(parts)
