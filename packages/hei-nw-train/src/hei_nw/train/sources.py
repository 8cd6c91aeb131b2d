"""Example sources by name: what ``TrainConfig.task`` picks.

``mixed`` is the default reader's diet: the template scenarios (A-E, training
forms and vocabulary) and real passages (SQuAD-Shifts), so that one reader reads
both our traces and text nobody here wrote.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from hei_nw.train.examples import Example, copy_examples, scenario_examples
from hei_nw.train.squad_examples import squad_examples

Source = Callable[..., list[Example]]

SQUAD_SHARE = 0.5
"""Share of real-passage examples in a ``mixed`` batch. Half: the template task was
learnt within ~900 steps of 16 alone, while real passages were still improving after
1,200 steps of 32 (``../shared/notes/memory-reader.md``)."""


def mixed_examples(
    tokenizer: Any, split: str, seed: int, start: int, count: int, chat: bool = True
) -> list[Example]:
    """Examples ``start .. start + count``, each a scenario or a SQuAD-Shifts question by a
    seeded coin per index (so a resumed run regenerates its batches exactly)."""
    examples: list[Example] = []
    for index in range(start, start + count):
        coin = random.Random(f"hei-nw/train/mixed/{split}/{seed}/{index}").random()
        source = squad_examples if coin < SQUAD_SHARE else scenario_examples
        examples.extend(source(tokenizer, split, seed, index, 1, chat))
    return examples


SOURCES: dict[str, Source] = {
    "scenarios": scenario_examples,
    "copy": copy_examples,
    "squad": squad_examples,
    "mixed": mixed_examples,
}
"""``(tokenizer, split, seed, start, count, chat) -> examples`` by task name."""

__all__ = ["SOURCES", "SQUAD_SHARE", "Source", "mixed_examples"]
