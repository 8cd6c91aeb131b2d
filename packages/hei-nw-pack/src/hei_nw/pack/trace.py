"""Render an episode trace into the memory-token template and encode it.

An episode trace is a mapping with the slots ``who``, ``what``, ``where`` and
``when``. The packer turns it into a fixed, human-readable template so that the
same episode always yields the same memory tokens, and caps the result so the
adapter's memory budget is never exceeded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

SLOTS: tuple[str, ...] = ("who", "what", "where", "when")
"""Trace slots, in the order they are rendered."""

TEMPLATE = "<episodic>\nwho:{who}\nwhat:{what}\nwhere:{where}\nwhen:{when}\n</episodic>"
"""The fixed memory template; field order never changes."""

SlotValue = str | int | float | dt.date
"""Accepted slot value types (``datetime.datetime`` is a ``date`` too)."""


class Tokenizer(Protocol):
    """Anything called like a HuggingFace tokenizer: ``tok(text, add_special_tokens=False)``
    returning a mapping with ``"input_ids"``."""

    def __call__(self, text: str, *, add_special_tokens: bool = ...) -> Mapping[str, Any]: ...


def render_trace(trace: Mapping[str, Any]) -> str:
    """Fill :data:`TEMPLATE` from ``trace``.

    Missing or None slots render as empty strings; values are stripped; dates
    and datetimes use ISO format. Keys other than the four slots are ignored, so
    a full scenario record's ``trace`` (or richer episode dicts later) can be
    passed as is.
    """
    if not isinstance(trace, Mapping):
        raise TypeError(f"trace must be a mapping of slot -> value, got {type(trace).__name__}")
    return TEMPLATE.format(**{slot: _render_value(slot, trace.get(slot)) for slot in SLOTS})


def pack_trace(trace: Mapping[str, Any], tokenizer: Tokenizer, max_mem_tokens: int) -> list[int]:
    """Deterministically pack ``trace`` into at most ``max_mem_tokens`` token ids.

    The rendered template is encoded with ``add_special_tokens=False``: memory
    tokens are content only, with no BOS/EOS, because they are read by the
    adapter rather than continued as a prompt. Longer encodings are truncated
    from the end. Pure function: no global state, same input -> same ids.
    """
    if isinstance(max_mem_tokens, bool) or not isinstance(max_mem_tokens, int):
        raise TypeError(f"max_mem_tokens must be an int, got {type(max_mem_tokens).__name__}")
    if max_mem_tokens <= 0:
        raise ValueError(f"max_mem_tokens must be positive, got {max_mem_tokens}")
    text = render_trace(trace)
    ids: Sequence[int] = tokenizer(text, add_special_tokens=False)["input_ids"]
    return [int(i) for i in ids[:max_mem_tokens]]


def _render_value(slot: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # bool is an int subclass, but "True" is never a slot value
        raise TypeError(f"trace slot {slot!r} must be str, int, float or date, got bool")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return str(value).strip()
    raise TypeError(
        f"trace slot {slot!r} must be str, int, float or date, got {type(value).__name__}"
    )
