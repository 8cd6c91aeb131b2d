"""The span reader: spans chosen within bounds, answers copied verbatim, "not in memory",
the documented rule for empty and over-long episodes, and save/load that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from hei_nw.models.reader_config import ReaderError
from hei_nw.models.span_reader import SpanReader, SpanReaderConfig, best_span
from hei_nw.models.span_reading import (
    MAX_EPISODE_TOKENS,
    answer_from_episodes,
    collate,
    match_features,
    read_states,
)
from hei_nw.models.testing import overfit_span_reader, shared_tokenizer, tiny_model

BLOCKS = (1, 3)


def test_best_span_keeps_start_before_end_and_within_the_longest_span() -> None:
    start = torch.tensor([-5.0, 9.0, 0.0, 0.0, 0.0, -50.0])  # 5 tokens, then null
    end = torch.tensor([9.0, 0.0, 0.0, 1.0, 8.0, -50.0])  # the best end (0) precedes the start
    choice = best_span(start, end, length=5, max_span=3)
    assert (choice.start, choice.end) == (1, 3)  # end 4 would be a 4-token span
    assert choice.margin > 0
    wide = best_span(start, end, length=5, max_span=4)
    assert (wide.start, wide.end) == (1, 4)
    null_wins = best_span(start, end.clone().index_fill_(0, torch.tensor([5]), 100.0), 5, 4)
    assert null_wins.margin < 0


def test_match_features_mark_question_tokens_and_words() -> None:
    tokenizer = shared_tokenizer()
    question = tokenizer("Where is the Garden ?", add_special_tokens=False)["input_ids"]
    memory = tokenizer("the garden is here ?", add_special_tokens=False)["input_ids"]
    features = match_features(tokenizer, question, memory)
    words = [tokenizer.decode([i]) for i in memory]
    assert features.shape == (len(memory), 2)
    assert features[words.index(" garden"), 1] == 1 and features[words.index(" garden"), 0] == 0
    assert features[words.index(" is"), 0] == 1
    assert features[words.index(" ?")].tolist() == [1, 0]  # same id, but not a word


def test_a_trained_reader_answers_verbatim_and_says_not_in_memory(tmp_path: Path) -> None:
    tokenizer, model = shared_tokenizer(), tiny_model()
    torch.manual_seed(0)
    reader = SpanReader(
        SpanReaderConfig(host_width=64, blocks=BLOCKS, width=32, layers=1, dropout=0.0)
    )
    note = tokenizer("The locker code is 7Q-44/b, on level 3.", add_special_tokens=False)[
        "input_ids"
    ]
    other = tokenizer("Lunch with Mira moved to Friday.", add_special_tokens=False)["input_ids"]
    ask = "What is the locker code?"
    code = tokenizer.decode(note).index("7Q")
    pieces = [tokenizer.decode([i]) for i in note]
    first = next(n for n in range(len(note)) if len("".join(pieces[: n + 1])) > code)
    last = next(n for n in range(len(note)) if "".join(pieces[: n + 1]).endswith("/b"))
    items = [read_states(model, tokenizer, ask, ids, BLOCKS) for ids in (note, other)]
    overfit_span_reader(reader, items, [(first, last), None])
    answer = answer_from_episodes(reader, model, tokenizer, ask, [other, note])
    assert answer.text == "7Q-44/b" and answer.episode == 1  # verbatim, from the right episode
    assert answer_from_episodes(reader, model, tokenizer, ask, [other]).text is None
    assert answer_from_episodes(reader, model, tokenizer, ask, []).text is None  # empty memory
    reader.save_pretrained(tmp_path / "span")
    again = SpanReader.from_pretrained(tmp_path / "span", host_width=64)
    batch = collate(items)
    assert all(torch.equal(a, b) for a, b in zip(reader(**batch), again(**batch), strict=True))
    with pytest.raises(ReaderError, match="width 64, not 576"):
        SpanReader.from_pretrained(tmp_path / "span", host_width=576)
    with pytest.raises(ReaderError, match="not a saved span reader"):
        SpanReader.from_pretrained(tmp_path / "nothing")


def test_an_episode_longer_than_the_cap_is_read_up_to_the_cap() -> None:
    tokenizer, model = shared_tokenizer(), tiny_model()
    ids = list(range(1000, 1000 + MAX_EPISODE_TOKENS + 40))
    inputs = read_states(model, tokenizer, "what?", ids, BLOCKS)
    assert inputs.memory_ids == ids[:MAX_EPISODE_TOKENS]
    assert inputs.memory_states.shape == (MAX_EPISODE_TOKENS, len(BLOCKS), 64)
    assert inputs.memory_states.dtype == torch.float16
