"""Every evaluation mode by name: ``MODES[name](settings).run(context)``.

Each entry takes that mode's typed settings (:class:`~hei_nw.eval.plain_modes.B1Settings`,
:class:`~hei_nw.eval.consolidated_modes.ConsolidatedSettings`,
:class:`~hei_nw.eval.gated_mode.GatedSettings`; B0 takes none) and returns a
:class:`~hei_nw.eval.mode_types.Mode`, whose ``run`` gives one
:class:`~hei_nw.eval.mode_types.ModeRun`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hei_nw.eval.consolidated_modes import ConsolidatedMode, ConsolidatedSettings
from hei_nw.eval.gated_mode import GatedMode, GatedSettings
from hei_nw.eval.mode_types import Mode, ModeContext, ModeRun
from hei_nw.eval.plain_modes import B0Mode, B1Mode, B1Settings

MODES: dict[str, Callable[[Any], Mode]] = {
    "B0": lambda _settings: B0Mode(),
    "B1": B1Mode,
    "B1-gated": GatedMode,
    "B2": ConsolidatedMode,
    "B3": ConsolidatedMode,
}
"""B0 (base alone), B1 (memory from oracle, store or none), B1 behind the write gate,
B2 (LoRA + memory) and B3 (LoRA, closed book)."""

__all__ = [
    "MODES",
    "B1Settings",
    "ConsolidatedSettings",
    "GatedSettings",
    "Mode",
    "ModeContext",
    "ModeRun",
]
