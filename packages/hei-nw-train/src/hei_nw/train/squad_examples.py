"""Training examples from real passages: SQuAD-Shifts for training, SQuAD v1.1 dev's dev
half for the evaluations a run makes as it goes (never its test half).

The memory is the passage as one text episode; the answer is the passage's own
tokens covering the gold answer's first occurrence, so a copy head can emit it
token by token from memory (the answer re-tokenised alone could differ at its
edges from the same words inside the passage).
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path
from typing import Any

from hei_nw.datasets import squad
from hei_nw.models import build_prompt, encode_prompt
from hei_nw.pack import render_text
from hei_nw.train.examples import Example

MAX_PASSAGE_TOKENS = 384
"""The reader's memory budget; longer passages are cut (their answers may be lost: skipped)."""


def _pool(split: str) -> tuple[squad.SquadItem, ...]:
    return _pool_in(split, squad.data_dir())


@cache
def _pool_in(split: str, folder: Path) -> tuple[squad.SquadItem, ...]:
    if split == "train":
        return tuple(i for source in squad.TRAINING_SOURCES for i in squad.load(source, folder))
    return tuple(squad.split_items(squad.load("squad", folder), split))


def passage_span(tokenizer: Any, passage: str, answer: str) -> tuple[list[int], list[int]] | None:
    """(memory ids, the ids inside them that cover ``answer``), or None if the answer is
    not in the passage or falls beyond the memory budget."""
    start = passage.find(answer)
    if start < 0 or not answer.strip():
        return None
    text = render_text(passage)
    offset = text.index(passage)
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, spans = list(encoded["input_ids"]), list(encoded["offset_mapping"])
    first, last = offset + start, offset + start + len(answer)
    inside = [i for i, (a, b) in enumerate(spans) if b > first and a < last]
    if not inside or inside[-1] >= MAX_PASSAGE_TOKENS:
        return None
    return ids[:MAX_PASSAGE_TOKENS], ids[inside[0] : inside[-1] + 1]


def squad_examples(
    tokenizer: Any, split: str, seed: int, start: int, count: int, chat: bool = True
) -> list[Example]:
    """Examples ``start .. start + count``: a question about a passage held only in memory.

    Each example is a function of ``(split, seed, index)`` alone, as the scenario
    examples are, so a resumed run regenerates its batches exactly."""
    pool = _pool(split)
    examples: list[Example] = []
    for index in range(start, start + count):
        rng = random.Random(f"hei-nw/train/squad/{split}/{seed}/{index}")
        found = None
        while found is None:  # a few items have no answer span inside the budget: redraw
            item = pool[rng.randrange(len(pool))]
            found = passage_span(tokenizer, item.passage, item.answers[0])
        memory, answer = found
        prompt = build_prompt(item.question)
        examples.append(
            Example(
                query=item.question,
                prompt=prompt,
                prompt_ids=encode_prompt(tokenizer, prompt, chat),
                answer_ids=answer,
                memory_ids=memory,
                answer=item.answers[0],
                kind=f"squad:{item.source}",
            )
        )
    return examples
