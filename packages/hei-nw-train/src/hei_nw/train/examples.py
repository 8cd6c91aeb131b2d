"""Training and evaluation examples for the memory reader, already tokenised.

An :class:`Example` is what one training row needs: the prompt *without* the
episode (memory must supply it), the answer tokens, and the memory tokens -
the packed target trace and 0-3 hard-negative traces in random order.

Two sources:

* :func:`scenario_examples` - questions in the forms of scenarios A-E over a
  vocabulary split (``"train"`` for training, ``"test"`` for held-out
  evaluation: no test entity string ever appears in a training episode).
* :func:`copy_examples` - the mechanism benchmark: packer-template memories whose
  slot values are random strings of tokens from one half of a token set
  (``"train"``) or the other (``"test"``), asked for one slot.

Examples are a pure function of ``(source, split, seed, index)``, so a training
run can regenerate step ``s``'s batch after a resume without any loader state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from hei_nw.datasets import generate
from hei_nw.models import encode_prompt
from hei_nw.models.prompts import build_prompt
from hei_nw.pack import SLOTS, pack_trace

MAX_TRACE_TOKENS = 96
"""Cap per packed trace: the longest procedural trace is about 60 tokens."""

SCENARIO_MIX = {"A": 0.4, "B": 0.15, "C": 0.15, "D": 0.15, "E": 0.15}
"""Share of each scenario family in a training batch; A's four askable slots need most."""


@dataclass(frozen=True)
class Example:
    """One question answered from memory."""

    query: str
    prompt: str
    prompt_ids: list[int]
    answer_ids: list[int]
    memory_ids: list[int]
    answer: str
    kind: str


def _negatives(
    rng: random.Random, own: list[dict[str, str]], fillers: list[dict[str, str]]
) -> list[dict[str, str]]:
    """0-3 hard negatives: the item's own distractors first, then unrelated traces."""
    count = rng.randint(0, 3)
    chosen = own[:count]
    while len(chosen) < count:
        chosen.append(rng.choice(fillers))
    return chosen


def scenario_examples(
    tokenizer: Any,
    split: str,
    seed: int,
    start: int,
    count: int,
    chat: bool = True,
    forms: str = "train",
) -> list[Example]:
    """Examples ``start .. start + count`` of the scenario mix over ``split``'s vocabulary,
    asked in the training ``forms`` (or ``"heldout"``: evaluation only)."""
    examples = []
    for index in range(start, start + count):
        rng = random.Random(f"hei-nw/train/{split}/{seed}/{index}")
        scenario = rng.choices(list(SCENARIO_MIX), weights=list(SCENARIO_MIX.values()))[0]
        record = generate(scenario, 1, seed * 1_000_003 + index, split=split, forms=forms)[0]
        fillers = [r["trace"] for r in generate("A", 4, seed * 7_919 + index, split=split)]
        own = [d["trace"] for d in record["distractors"]]
        rng.shuffle(own)
        traces = [record["trace"], *_negatives(rng, own, fillers)]
        rng.shuffle(traces)
        memory = [t for trace in traces for t in pack_trace(trace, tokenizer, MAX_TRACE_TOKENS)]
        asked = record.get("extra", {}).get("asked", "")
        examples.append(
            Example(
                query=record["query"],
                prompt=build_prompt(record["query"]),
                prompt_ids=encode_prompt(tokenizer, build_prompt(record["query"]), chat),
                answer_ids=list(
                    tokenizer(record["expected"], add_special_tokens=False)["input_ids"]
                ),
                memory_ids=memory,
                answer=record["expected"],
                kind=f"{scenario}:{asked}" if asked else scenario,
            )
        )
    return examples


@cache
def copy_token_halves(tokenizer: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Word-piece tokens (lower-case letters, 3+ characters, no leading space) split
    in two by a fixed shuffle: values at training time use the first half only."""
    pieces = [
        i
        for i in range(len(tokenizer))
        if (text := tokenizer.decode([i])).isalpha() and text.islower() and len(text) >= 3
    ]
    random.Random("hei-nw/copy-task/halves").shuffle(pieces)
    return tuple(sorted(pieces[0::2])), tuple(sorted(pieces[1::2]))


def copy_examples(
    tokenizer: Any, split: str, seed: int, start: int, count: int, chat: bool = True
) -> list[Example]:
    """Copy-task examples: four random-token slot values, a question for one slot."""
    train_half, test_half = copy_token_halves(tokenizer)
    pool = train_half if split == "train" else test_half
    encode = _piece_encoder(tokenizer)
    examples = []
    for index in range(start, start + count):
        rng = random.Random(f"hei-nw/copy/{split}/{seed}/{index}")
        values = {slot: [rng.choice(pool) for _ in range(rng.randint(1, 3))] for slot in SLOTS}
        memory = encode("<episodic>")
        for slot in SLOTS:
            memory += encode(f"\n{slot}:") + values[slot]
        memory += encode("\n</episodic>")
        asked = rng.choice(SLOTS)
        question = f"What is the {asked} in the episode?"
        examples.append(
            Example(
                query=question,
                prompt=build_prompt(question),
                prompt_ids=encode_prompt(tokenizer, build_prompt(question), chat),
                answer_ids=values[asked],
                memory_ids=memory,
                answer=tokenizer.decode(values[asked]),
                kind=f"copy:{asked}",
            )
        )
    return examples


def _piece_encoder(tokenizer: Any) -> Any:
    def encode(text: str) -> list[int]:
        return list(tokenizer(text, add_special_tokens=False)["input_ids"])

    return encode
