"""A progress bar on stderr showing items/s and the running answer rate."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from tqdm import tqdm

from hei_nw.eval import ItemResult


class Progress:
    """Counts finished items; silent when ``quiet`` (the counts are kept anyway)."""

    def __init__(self, total: int, description: str, quiet: bool) -> None:
        self.bar: Any = None
        if not quiet and total > 0:
            self.bar = tqdm(
                total=total, desc=description, unit="item", file=sys.stderr, dynamic_ncols=True
            )
        self.done = 0
        self.em_total = 0.0
        self.contains_total = 0.0

    def update(self, item: ItemResult) -> None:
        self.done += 1
        self.em_total += item.scores["strict_em"]
        self.contains_total += item.scores["contains"]
        if self.bar is not None:
            self.bar.set_postfix(
                em=f"{self.em_total / self.done:.2f}",
                contains=f"{self.contains_total / self.done:.2f}",
            )
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


Result = TypeVar("Result")


def with_progress(
    description: str,
    total: int,
    quiet: bool,
    run: Callable[[Callable[[ItemResult], None]], Result],
) -> Result:
    """``run(tick)`` with a progress bar that ``tick`` advances; the bar always closes."""
    progress = Progress(total, description, quiet)
    try:
        return run(progress.update)
    finally:
        progress.close()


@contextmanager
def counted(description: str, total: int, quiet: bool) -> Iterator[Callable[[], None]]:
    """A plain progress bar for work that is not answering items (measuring a stream);
    yields the function that advances it."""
    with tqdm(total=total, desc=description, unit="segment", disable=quiet) as bar:
        yield lambda: bar.update(1)
