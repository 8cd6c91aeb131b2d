"""Answers read as spans: with ``answers="span"`` a memory answers with the exact words
of a recalled note, or says the recalled notes do not answer the question."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch

from hei_nw.api import DEFAULTS, Memory
from hei_nw.api.answers import NOT_IN_RECALLED
from hei_nw.models.span_reader import SpanReader, SpanReaderConfig
from hei_nw.models.span_reading import locate, read_states
from hei_nw.models.testing import (
    overfit_span_reader,
    save_tiny_model_and_reader,
    shared_tokenizer,
    tiny_model,
)
from hei_nw.pack import pack_episodes

BLOCKS = (1, 3)
CODE_NOTE = "The locker code is 7Q-44/b, on level 3."
LUNCH_NOTE = "Lunch with Mira moved to Friday."
QUESTION = "What is the locker code?"


def test_a_span_memory_answers_verbatim_or_says_the_notes_do_not_answer(tmp_path: Path) -> None:
    model_dir, _ = save_tiny_model_and_reader(tmp_path / "tiny")
    tokenizer, model = shared_tokenizer(), tiny_model()
    torch.manual_seed(0)
    reader = SpanReader(
        SpanReaderConfig(host_width=64, blocks=BLOCKS, width=32, layers=1, dropout=0.0)
    )
    code = pack_episodes([CODE_NOTE], tokenizer, 384)
    lunch = pack_episodes([LUNCH_NOTE], tokenizer, 384)
    items = [read_states(model, tokenizer, QUESTION, ids, BLOCKS) for ids in (code, lunch)]
    overfit_span_reader(reader, items, [locate(tokenizer, code, "7Q-44/b"), None])
    reader.save_pretrained(tmp_path / "span")
    settings = dataclasses.replace(
        DEFAULTS, model=str(model_dir), answers="span", span_reader=str(tmp_path / "span")
    )
    with Memory.open(tmp_path / "memory", settings=settings) as memory:
        memory.remember(CODE_NOTE)
        memory.remember(LUNCH_NOTE)
        answer = memory.ask(QUESTION, 2)
        assert answer.known and answer.text == "7Q-44/b" and answer.finish_reason == "span"
        memory.forget(
            answer.episodes[0].id if "locker" in answer.episodes[0].text else answer.episodes[1].id
        )
        unknown = memory.ask(QUESTION)
    assert not unknown.known and unknown.reason == NOT_IN_RECALLED
    assert unknown.text == "" and [e.text for e in unknown.episodes] == [LUNCH_NOTE]


def test_the_shipped_span_reader_answers_notes_and_admits_what_it_was_not_told(
    tmp_path: Path,
) -> None:
    """The default: SmolLM2 and the shipped span reader, notes a user would write."""
    notes = [
        "I parked the car on level 3, spot B12.",
        "My locker code is 7719.",
        "Lena's birthday is on 2 August.",
    ]
    with Memory.open(tmp_path) as memory:
        assert memory.settings.answers == "span"
        for note in notes:
            memory.remember(note)
        parked, code, birthday, pin, landlord = memory.ask_many(
            [
                "Where did I park the car?",
                "What is my locker code?",
                "When is Lena's birthday?",
                "What is my bank PIN?",
                "Who is my landlord?",
            ]
        )
    assert "level 3, spot B12" in parked.text
    assert (code.text, birthday.text) == ("7719", "2 August")  # exact spans, nothing more
    assert not pin.known and not landlord.known and pin.reason == NOT_IN_RECALLED
