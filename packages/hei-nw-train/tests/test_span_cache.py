"""The span reader's cache: a round trip that changes no state, a build that resumes and
rebuilds a torn shard, one-line refusals of another recipe or reader, seeded training."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch

from hei_nw.models.span_reader import SpanReaderConfig
from hei_nw.models.span_reading import locate, read_states
from hei_nw.models.testing import shared_tokenizer, tiny_model
from hei_nw.train import feature_cache
from hei_nw.train.feature_cache import (
    CacheError,
    CacheRecipe,
    build_cache,
    iter_cache,
    load_shard,
    recipe_for,
    shard_path,
)
from hei_nw.train.span_rows import rows
from hei_nw.train.span_training import SpanTrainSettings, check_fits, score, train_span_reader

BLOCKS = (1, 3)


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feature_cache, "ROWS_PER_SHARD", 3)


def build(
    folder: Path, count: int = 7, blocks: tuple[int, ...] = BLOCKS
) -> tuple[Path, CacheRecipe]:
    tokenizer, model = shared_tokenizer(), tiny_model()
    recipe = recipe_for(
        model, tokenizer, blocks, source="scenarios", seed=0, rows=count, unanswerable=0.3
    )
    return build_cache(folder, recipe, model, tokenizer, progress=False), recipe


def test_locate_finds_an_answers_tokens() -> None:
    tokenizer = shared_tokenizer()
    ids = tokenizer("Parked on level 3, spot B12.", add_special_tokens=False)["input_ids"]
    found = locate(tokenizer, ids, "spot b12")  # case-insensitive fallback
    assert found is not None
    first, last = found
    assert tokenizer.decode(ids[first : last + 1]).strip() == "spot B12"
    assert locate(tokenizer, ids, "garage") is None


def test_a_cached_row_holds_exactly_what_a_read_computes(
    tmp_path: Path, small_shards: None
) -> None:
    folder, _ = build(tmp_path / "cache")
    cached = list(iter_cache(folder))
    source = [r for r in rows(shared_tokenizer(), "scenarios", 0, 0, 7, 0.3) if r is not None]
    assert [c.kind for c in cached] == [r.kind for r in source]
    assert any(c.span is None for c in cached) and any(c.span is not None for c in cached)
    first = read_states(
        tiny_model(), shared_tokenizer(), source[0].question, source[0].memory_ids, BLOCKS
    )
    assert torch.equal(cached[0].inputs.memory_states, first.memory_states)
    assert torch.equal(cached[0].inputs.match, first.match)
    assert cached[0].inputs.question_ids == first.question_ids


def test_a_build_resumes_and_rebuilds_a_torn_shard(tmp_path: Path, small_shards: None) -> None:
    folder, _ = build(tmp_path / "cache")
    before = list(iter_cache(folder))
    torn = shard_path(folder, 1)
    torn.write_bytes(torn.read_bytes()[:200])
    with pytest.raises(CacheError, match=r"shard-00001.safetensors is corrupt or half-written"):
        load_shard(torn)
    shard_path(folder, 2).unlink()
    build(tmp_path / "cache")
    after = list(iter_cache(folder))
    assert [r.kind for r in after] == [r.kind for r in before]
    assert all(
        torch.equal(a.inputs.memory_states, b.inputs.memory_states)
        for a, b in zip(after, before, strict=True)
    )
    shard_path(folder, 2).unlink()
    with pytest.raises(CacheError, match=r"shard-00002\.safetensors is missing"):
        list(iter_cache(folder))
    build(tmp_path / "cache", count=9)  # more rows extend the same cache
    assert len(list(iter_cache(folder))) >= len(before)


def test_another_recipe_or_reader_is_refused_in_one_line(
    tmp_path: Path, small_shards: None
) -> None:
    _, recipe = build(tmp_path / "cache", count=2)
    with pytest.raises(CacheError, match=r"holds another cache: blocks \[1, 3\] != \[1, 2\]"):
        build(tmp_path / "cache", count=2, blocks=(1, 2))
    with pytest.raises(CacheError, match="holds blocks"):
        check_fits(recipe, SpanReaderConfig(host_width=64, blocks=(2,)))
    with pytest.raises(CacheError, match="width 64"):
        check_fits(recipe, SpanReaderConfig(host_width=576, blocks=BLOCKS))


def test_training_on_the_cache_is_seeded_and_scores_abstention(
    tmp_path: Path, small_shards: None
) -> None:
    folder, _ = build(tmp_path / "cache", count=8)
    cached = list(iter_cache(folder))
    config = SpanReaderConfig(host_width=64, blocks=BLOCKS, width=32, layers=1)
    settings = SpanTrainSettings(epochs=2, batch=4)
    decode = shared_tokenizer().decode
    first, log = train_span_reader(config, cached, cached, decode, settings, progress=False)
    second, _ = train_span_reader(config, cached, cached, decode, settings, progress=False)
    assert len(log) == 2 and log[0]["answerable"] + log[0]["unanswerable"] == len(cached)
    assert all(
        torch.equal(a, b)
        for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True)
    )
    answered = [(r.answers[0], 5.0) for r in cached]
    perfect = score(
        cached,
        [(a, m) if r.span else (None, -5.0) for (a, m), r in zip(answered, cached, strict=True)],
    )
    assert (
        perfect.f1 == 1.0 and perfect.abstained_when_unanswerable == 1.0 and perfect.overall == 1.0
    )
    never = score(cached, answered)
    assert never.abstained_when_unanswerable == 0.0 and never.overall < 1.0
    assert replace(never, threshold=0.0) == never
    strict = score(cached, answered, threshold=10.0)  # margins of 5 no longer answer
    assert strict.abstained_when_answerable == 1.0 and strict.f1 == 0.0
    assert strict.abstained_when_unanswerable == 1.0
