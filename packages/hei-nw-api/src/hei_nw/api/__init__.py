"""HEI-NW for users: ``Memory`` (remember, ask, forget), the engine behind it, the measured
defaults, redaction, and the ``hei-nw`` command."""

from typing import TYPE_CHECKING, Any

from hei_nw.api.answers import Answer, UsedEpisode, answer_together
from hei_nw.api.checks import MemoryUsageError, UnknownEpisodeError
from hei_nw.api.defaults import DEFAULTS, MemorySettings
from hei_nw.api.gating import Written
from hei_nw.api.memory import Memory
from hei_nw.api.redact import Redaction, redact
from hei_nw.memory import Episode, StoreUnavailableError
from hei_nw.memory.protocol import is_database_url, safe_url

if TYPE_CHECKING:
    from hei_nw.api.engine import Engine

__all__ = [
    "DEFAULTS",
    "Answer",
    "Engine",
    "Episode",
    "Memory",
    "MemorySettings",
    "MemoryUsageError",
    "Redaction",
    "StoreUnavailableError",
    "UnknownEpisodeError",
    "UsedEpisode",
    "Written",
    "answer_together",
    "is_database_url",
    "redact",
    "safe_url",
]


def __getattr__(name: str) -> Any:
    """``Engine`` imports torch and transformers: only when it is asked for, so that
    commands needing no model (remember, list, forget) start in a fraction of a second."""
    if name == "Engine":
        from hei_nw.api.engine import Engine

        return Engine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
