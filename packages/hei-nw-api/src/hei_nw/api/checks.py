"""What a memory accepts: episodes (a text or a trace) and questions, checked and cleaned
before anything is stored or asked; a refusal is one line for users."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from math import isfinite
from typing import Any

from hei_nw.api.expiry import TTLError, expires_at
from hei_nw.api.redact import redact


class MemoryUsageError(ValueError):
    """An episode or question that cannot be used; the message is one line for users."""


class UnknownEpisodeError(LookupError):
    """No live episode has this id (never written, or forgotten)."""


def check_write(reward: float, ttl: str | float | timedelta | None) -> str | None:
    """A write's reward checked (finite: NaN must never reach the log) and its time to
    live turned into an expiry time (None: it never expires)."""
    if isinstance(reward, bool) or not isinstance(reward, int | float) or not isfinite(reward):
        raise MemoryUsageError(f"reward must be a finite number, got {reward!r}")
    try:
        return None if ttl is None else expires_at(ttl)
    except TTLError as exc:
        raise MemoryUsageError(str(exc)) from None


def clean_episode(
    episode: str | Mapping[str, Any], redacting: bool, max_chars: int
) -> tuple[str | None, dict[str, Any] | None, dict[str, int] | None]:
    """(text, trace, what redaction removed - None when it was off)."""
    removed: dict[str, int] = {}

    def scrub(value: str) -> str:
        if not redacting:
            return value
        result = redact(value)
        for kind, count in result.removed.items():
            removed[kind] = removed.get(kind, 0) + count
        return result.text

    if isinstance(episode, str):
        if not episode.strip():
            raise MemoryUsageError("an episode must not be empty")
        if len(episode) > max_chars:
            raise MemoryUsageError(
                f"an episode holds at most {max_chars} characters, got {len(episode)}"
            )
        return scrub(episode.strip()), None, removed if redacting else None
    if not isinstance(episode, Mapping):
        raise MemoryUsageError(
            f"an episode is a text or a trace (a mapping), got {type(episode).__name__}"
        )
    trace = {k: scrub(v) if isinstance(v, str) else v for k, v in episode.items()}
    return None, trace, removed if redacting else None


def check_question_tokens(tokens: int, max_tokens: int) -> None:
    """A question within the token cap, or a one-line error naming the cap."""
    if tokens > max_tokens:
        raise MemoryUsageError(
            f"a question is limited to {max_tokens} tokens; this one has {tokens}"
        )


def check_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise MemoryUsageError("a question must be a non-empty text")
    if len(question) > max_chars:
        raise MemoryUsageError(f"a question holds at most {max_chars} characters")
    return question
