"""Rows for the span reader: a question, one episode's tokens, the gold answers and where
the first one sits in the episode (or None: the answer is not in this episode).

Sources by name (:data:`ROW_SOURCES`), each a pure function of ``(seed, index)`` so a
cache build resumes exactly:

* ``shifts`` - SQuAD-Shifts (new_wiki, nyt, reddit, amazon) minus a held-out tenth of
  each domain's articles; ``shifts-dev`` is that tenth (steering on the training domains);
* ``squad-dev`` - SQuAD v1.1 dev's dev half (never trained on; its test half is for
  release figures only, ``squad-test``);
* ``scenarios`` - the template scenarios A-E in training forms and vocabulary;
  ``scenarios-test`` - the same families in held-out question forms and the test
  vocabulary (evaluation only).

A share of rows (``unanswerable``) pairs the question with another article's episode:
its answer is "not in memory".
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from hei_nw.datasets import squad
from hei_nw.models.span_reading import MAX_EPISODE_TOKENS, locate
from hei_nw.pack import render_text
from hei_nw.train.examples import scenario_examples

HELD_OUT_TENTH = 0
"""Articles whose title hash ends in this digit form ``shifts-dev``."""


@dataclass(frozen=True)
class SpanRow:
    question: str
    memory_ids: list[int]
    answers: tuple[str, ...]
    span: tuple[int, int] | None
    kind: str


def _title_digit(title: str) -> int:
    return int(hashlib.sha256(title.encode()).hexdigest(), 16) % 10


@cache
def _pool(name: str) -> tuple[squad.SquadItem, ...]:
    folder = squad.data_dir()
    if name in ("squad-dev", "squad-test"):
        return tuple(squad.split_items(squad.load("squad", folder), name.removeprefix("squad-")))
    items = [i for source in squad.TRAINING_SOURCES for i in squad.load(source, folder)]
    held_out = name == "shifts-dev"
    return tuple(i for i in items if (_title_digit(i.title) == HELD_OUT_TENTH) == held_out)


@cache
def _order(name: str, seed: int) -> tuple[int, ...]:
    """A seeded order of the pool: rows are drawn without replacement until it wraps."""
    order = list(range(len(_pool(name))))
    random.Random(f"hei-nw/span-rows/{name}/{seed}").shuffle(order)
    return tuple(order)


@cache
def _episode_ids(tokenizer: Any, passage: str) -> tuple[int, ...]:
    ids = tokenizer(render_text(passage), add_special_tokens=False)["input_ids"]
    return tuple(ids[:MAX_EPISODE_TOKENS])


def passage_row(
    tokenizer: Any, name: str, seed: int, index: int, unanswerable: float
) -> SpanRow | None:
    """Row ``index`` of a passage source (None: its answer falls outside the episode)."""
    pool = _pool(name)
    rng = random.Random(f"hei-nw/span-rows/{name}/{seed}/{index}")
    item = pool[_order(name, seed)[index % len(pool)]]
    if rng.random() < unanswerable:
        other = pool[rng.randrange(len(pool))]
        while other.title == item.title:
            other = pool[rng.randrange(len(pool))]
        memory = list(_episode_ids(tokenizer, other.passage))
        return SpanRow(item.question, memory, item.answers, None, f"{item.source}:unanswerable")
    memory = list(_episode_ids(tokenizer, item.passage))
    span = locate(tokenizer, memory, item.answers[0])
    if span is None:
        return None
    return SpanRow(item.question, memory, item.answers, span, item.source)


def scenario_row(
    tokenizer: Any, name: str, seed: int, index: int, unanswerable: float
) -> SpanRow | None:
    """Row ``index`` of the template scenarios (``scenarios-test``: held-out forms, test
    vocabulary)."""
    split, forms = ("test", "heldout") if name == "scenarios-test" else ("train", "train")
    example = scenario_examples(tokenizer, split, seed, index, 1, forms=forms)[0]
    rng = random.Random(f"hei-nw/span-rows/scenarios/{seed}/{index}")
    if rng.random() < unanswerable:
        other = scenario_examples(tokenizer, split, seed + 1, index, 1, forms=forms)[0]
        if locate(tokenizer, other.memory_ids, example.answer) is None:
            return SpanRow(
                example.query, other.memory_ids, (example.answer,), None, "scenario:unanswerable"
            )
    span = locate(tokenizer, example.memory_ids, example.answer)
    if span is None:
        return None
    return SpanRow(
        example.query, example.memory_ids, (example.answer,), span, f"scenario:{example.kind}"
    )


RowSource = Callable[[Any, str, int, int, float], "SpanRow | None"]
ROW_SOURCES: dict[str, RowSource] = {
    "shifts": passage_row,
    "shifts-dev": passage_row,
    "squad-dev": passage_row,
    "squad-test": passage_row,
    "scenarios": scenario_row,
    "scenarios-test": scenario_row,
}


def rows(
    tokenizer: Any, name: str, seed: int, start: int, count: int, unanswerable: float
) -> list[SpanRow | None]:
    """Rows ``start .. start + count`` of source ``name`` (None where a row is unusable)."""
    if name not in ROW_SOURCES:
        raise ValueError(f"unknown row source {name!r}; choose from {', '.join(ROW_SOURCES)}")
    make = ROW_SOURCES[name]
    return [make(tokenizer, name, seed, i, unanswerable) for i in range(start, start + count)]


__all__ = ["ROW_SOURCES", "SpanRow", "locate", "rows"]
