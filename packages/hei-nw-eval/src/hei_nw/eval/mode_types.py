"""The modes as one thing: each takes its typed settings and returns one :class:`ModeRun`.

``MODES[name](settings).run(context)`` (:mod:`hei_nw.eval.registry`) is the whole of an evaluation mode, whichever it
is (B0, B1 from oracle or store memory, B1 behind the write gate, B2, B3); the app
parses its command line into the mode's settings, builds the :class:`ModeContext`
(the loaded model, the run's records and generation settings, how to show progress)
and writes the report from the :class:`ModeRun`. Nothing below the app sees its
command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from hei_nw.eval.modes import OnItem, RunInputs
from hei_nw.eval.results import ItemResult
from hei_nw.models import LoadedModel

R = TypeVar("R")


class Progress(Protocol):
    """Runs ``work(on_item)`` under a progress display of ``total`` items named ``label``."""

    def __call__(self, label: str, total: int, work: Callable[[OnItem | None], R]) -> R: ...


class Counter(Protocol):
    """A progress display for work that is not answering items (measuring a stream)."""

    def __call__(self, label: str, total: int) -> Any: ...  # a context manager of tick()


def silent(label: str, total: int, work: Callable[[OnItem | None], R]) -> R:
    """No progress display (tests, libraries)."""
    return work(None)


@contextmanager
def uncounted(label: str, total: int) -> Iterator[Callable[[], None]]:
    """No progress display for counted work."""
    yield lambda: None


@dataclass(frozen=True)
class ModeContext:
    """What every mode runs on: the model, the run's records and settings, the seed,
    and how progress is shown."""

    loaded: LoadedModel
    inputs: RunInputs
    seed: int
    progress: Progress = silent
    counter: Counter = uncounted


@dataclass(frozen=True)
class ModeRun:
    """A mode's result: its items, its summary, the runs reported beside it (by report
    name: the floor, the reference, rules, other policies) and the paired comparison."""

    items: list[ItemResult]
    summary: dict[str, Any] = field(default_factory=dict)
    runs: dict[str, list[ItemResult]] = field(default_factory=dict)
    comparison: dict[str, Any] | None = None


class Mode(Protocol):
    """One evaluation mode, its settings given when it was made."""

    def run(self, context: ModeContext) -> ModeRun: ...
