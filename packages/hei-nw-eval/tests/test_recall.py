"""Filling a store with a run and recalling each item's episode from its question."""

from __future__ import annotations

from hei_nw.datasets import generate, write_order
from hei_nw.eval import fill_store, recall_for
from hei_nw.memory import HashingEmbedder, render_text


def test_fill_store_writes_filler_first_then_the_run_in_write_order() -> None:
    records = generate("A", 6, 3, split="test")
    store = fill_store(records, HashingEmbedder(), filler=3, split="test")
    episodes = write_order(records)
    assert len(store) == 3 + len(episodes)
    for position, episode in enumerate(episodes):
        best = store.recall(render_text(episode["trace"]), 1)[0]
        assert best.id == f"ep-{3 + position:08d}"
        # An item's lag is the number of writes after its target.
        if episode["lag"] is not None:
            assert episode["lag"] == len(store) - 1 - (3 + position)


def test_a_store_holding_a_whole_c_run_has_one_right_episode_per_question() -> None:
    records = generate("C", 200, 7, split="test")
    run = recall_for(records, fill_store(records, HashingEmbedder(), split="test"), 4)
    assert run.summary["store_size"] == 200
    assert run.summary["p_at_1"] >= 0.97


def test_a_b_store_holds_each_original_and_update_and_recalls_both() -> None:
    """Word overlap cannot tell the old fact from its update: the store ranks the stale
    one first about as often as not (the reader must prefer the newer)."""
    records = generate("B", 200, 7, split="test")
    run = recall_for(records, fill_store(records, HashingEmbedder(), split="test"), 2)
    assert run.summary["store_size"] == 400
    assert run.summary["recall_at_2"] == 1.0
    assert 0.2 <= run.summary["p_at_1"] <= 0.8


def test_oracle_memories_hold_the_target_and_the_asked_negatives_within_the_cap() -> None:
    from hei_nw.eval import oracle_memories
    from hei_nw.models.testing import shared_tokenizer
    from hei_nw.pack import pack_episodes

    tokenizer = shared_tokenizer()
    records = generate("A", 4, 3, split="test", confounders_ratio=3.0)
    alone = oracle_memories(records, tokenizer, cap=10_000)
    assert alone == [pack_episodes([r["trace"]], tokenizer, 10_000) for r in records]
    with_negatives = oracle_memories(records, tokenizer, cap=10_000, negatives=3, seed=1)
    for record, memory in zip(records, with_negatives, strict=True):
        traces = [record["trace"], *(d["trace"] for d in record["distractors"])]
        assert sorted(memory) == sorted(pack_episodes(traces, tokenizer, 10_000))
    assert with_negatives == oracle_memories(records, tokenizer, cap=10_000, negatives=3, seed=1)
    assert all(len(m) <= 20 for m in oracle_memories(records, tokenizer, cap=20, negatives=3))


def test_a_run_stored_in_postgresql_recalls_what_the_in_memory_store_recalls() -> None:
    import pytest

    from hei_nw.memory.testing import NoDatabaseError, postgres_url

    records = generate("A", 30, 5, split="dev")
    embedded = recall_for(records, fill_store(records, HashingEmbedder(2048), 20, "dev"), 2)
    try:
        with postgres_url() as url:
            stored = fill_store(records, HashingEmbedder(2048), 20, "dev", url=url)
            database = recall_for(records, stored, 2)
    except NoDatabaseError as exc:
        pytest.skip(str(exc))
    assert database.summary["index"] == "postgres (exact)"
    assert [i["target_rank"] for i in database.items] == [i["target_rank"] for i in embedded.items]
    assert database.summary["p_at_1"] == embedded.summary["p_at_1"]
