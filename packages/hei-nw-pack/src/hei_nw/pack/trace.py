"""Render an episode into memory tokens: a trace in the slot template, or plain text.

An episode trace is a mapping with the slots ``who``, ``what``, ``where`` and
``when``, and optionally more fields (``with``, ``why``, ...). The packer turns
it into a fixed, human-readable template so that the same episode always yields
the same memory tokens, and caps the result so the reader's memory budget is
never exceeded. An episode can also be plain text (a note, a sentence, a
passage): it is wrapped in the same ``<episodic>`` markers, unparsed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

SLOTS: tuple[str, ...] = ("who", "what", "where", "when")
"""Trace slots, in the order they are rendered."""

TEMPLATE = "<episodic>\nwho:{who}\nwhat:{what}\nwhere:{where}\nwhen:{when}\n</episodic>"
"""The fixed memory template; field order never changes. Extra fields follow
``when``, one ``key:value`` line each, in the trace's own order."""

TEXT_TEMPLATE = "<episodic>\n{text}\n</episodic>"
"""A text episode: the same markers around the text as written."""

Episode = Mapping[str, Any] | str
"""What memory holds: a trace (slots) or a text."""

SlotValue = str | int | float | dt.date
"""Accepted slot value types (``datetime.datetime`` is a ``date`` too)."""


class Tokenizer(Protocol):
    """Anything called like a HuggingFace tokenizer: ``tok(text, add_special_tokens=False)``
    returning a mapping with ``"input_ids"``."""

    def __call__(self, text: str, *, add_special_tokens: bool = ...) -> Mapping[str, Any]: ...


def render_trace(trace: Mapping[str, Any]) -> str:
    """Fill :data:`TEMPLATE` from ``trace``.

    Missing or None slots render as empty strings; values are stripped; dates
    and datetimes use ISO format. Keys beyond the four slots are kept - never
    silently dropped - as ``key:value`` lines before the closing marker (a key
    must be a lower-case word, so it reads as a field name); a None extra field
    is left out.
    """
    if not isinstance(trace, Mapping):
        raise TypeError(f"trace must be a mapping of slot -> value, got {type(trace).__name__}")
    text = TEMPLATE.format(**{slot: _render_value(slot, trace.get(slot)) for slot in SLOTS})
    extra = [
        f"{_field_name(key)}:{_render_value(key, value)}"
        for key, value in trace.items()
        if key not in SLOTS and value is not None
    ]
    if not extra:
        return text
    head, close = text.rsplit("\n", 1)
    return "\n".join([head, *extra, close])


def render_text(text: str) -> str:
    """Fill :data:`TEXT_TEMPLATE`: a text episode, stripped, between the markers."""
    if not isinstance(text, str):
        raise TypeError(f"a text episode must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("a text episode must not be empty")
    return TEXT_TEMPLATE.format(text=text.strip())


def render_episode(episode: Episode) -> str:
    """A trace through :func:`render_trace`, a text through :func:`render_text`."""
    return render_text(episode) if isinstance(episode, str) else render_trace(episode)


def pack_episode(episode: Episode, tokenizer: Tokenizer, max_mem_tokens: int) -> list[int]:
    """Like :func:`pack_trace`, for a trace or a text episode."""
    return _encode(render_episode(episode), tokenizer, max_mem_tokens)


def pack_episodes(
    episodes: Sequence[Episode], tokenizer: Tokenizer, max_mem_tokens: int
) -> list[int]:
    """Several episodes packed in order, concatenated, capped at ``max_mem_tokens`` in all:
    one reader call's memory (what the store recalled, best first)."""
    ids: list[int] = []
    for episode in episodes:
        ids += pack_episode(episode, tokenizer, max_mem_tokens)
    return ids[:max_mem_tokens]


def pack_trace(trace: Mapping[str, Any], tokenizer: Tokenizer, max_mem_tokens: int) -> list[int]:
    """Deterministically pack ``trace`` into at most ``max_mem_tokens`` token ids.

    The rendered template is encoded with ``add_special_tokens=False``: memory
    tokens are content only, with no BOS/EOS, because they are read by the
    adapter rather than continued as a prompt. Longer encodings are truncated
    from the end. Pure function: no global state, same input -> same ids.
    """
    return _encode(render_trace(trace), tokenizer, max_mem_tokens)


def _encode(text: str, tokenizer: Tokenizer, max_mem_tokens: int) -> list[int]:
    if isinstance(max_mem_tokens, bool) or not isinstance(max_mem_tokens, int):
        raise TypeError(f"max_mem_tokens must be an int, got {type(max_mem_tokens).__name__}")
    if max_mem_tokens <= 0:
        raise ValueError(f"max_mem_tokens must be positive, got {max_mem_tokens}")
    ids: Sequence[int] = tokenizer(text, add_special_tokens=False)["input_ids"]
    return [int(i) for i in ids[:max_mem_tokens]]


def _field_name(key: object) -> str:
    if not isinstance(key, str) or not key.isidentifier() or not key.islower():
        raise ValueError(f"trace field names must be lower-case words, got {key!r}")
    return key


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
