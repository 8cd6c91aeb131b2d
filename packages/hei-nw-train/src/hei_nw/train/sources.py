"""Example sources by name: what ``TrainConfig.task`` picks."""

from __future__ import annotations

from collections.abc import Callable

from hei_nw.train.examples import Example, copy_examples, scenario_examples
from hei_nw.train.squad_examples import squad_examples

Source = Callable[..., list[Example]]

SOURCES: dict[str, Source] = {
    "scenarios": scenario_examples,
    "copy": copy_examples,
    "squad": squad_examples,
}
"""``(tokenizer, split, seed, start, count, chat) -> examples`` by task name."""

__all__ = ["SOURCES", "Source"]
