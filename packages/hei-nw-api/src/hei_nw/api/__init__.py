"""HEI-NW for users: ``Memory`` (remember, ask, forget), the engine behind it, the measured
defaults, redaction, and the ``hei-nw`` command."""

from hei_nw.api.defaults import DEFAULTS, MemorySettings
from hei_nw.api.engine import Engine
from hei_nw.api.memory import (
    Answer,
    Memory,
    MemoryUsageError,
    UnknownEpisodeError,
    UsedEpisode,
    Written,
    answer_together,
)
from hei_nw.api.redact import Redaction, redact
from hei_nw.memory import Episode

__all__ = [
    "DEFAULTS",
    "Answer",
    "Engine",
    "Episode",
    "Memory",
    "MemorySettings",
    "MemoryUsageError",
    "Redaction",
    "UnknownEpisodeError",
    "UsedEpisode",
    "Written",
    "answer_together",
    "redact",
]
