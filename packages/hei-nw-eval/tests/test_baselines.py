"""Long-context and RAG baselines, with the real MiniLM embedder."""

from __future__ import annotations

import numpy as np
import pytest

from hei_nw.baselines import retrieve, run_context, run_long_context, run_rag
from hei_nw.datasets import generate, write_order
from hei_nw.eval.runner import GenerationSettings
from hei_nw.memory.minilm import MiniLMEmbedder
from hei_nw.metrics import ModelGeometry, recall_at_k
from hei_nw.models.testing import shared_tokenizer, tiny_model


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.mark.parametrize("scenario", ["A", "D"])
def test_run_context_puts_exactly_lag_episodes_between_target_and_question(scenario: str) -> None:
    records = generate(scenario, 6, 3, **({"store_size": 4} if scenario == "D" else {}))
    context = run_context(records, shared_tokenizer(), budget=100_000)
    episodes = [e["context"] for e in write_order(records)]
    assert context.text == "\n".join(episodes)
    assert context.episodes_kept == context.episodes_total == len(episodes)
    lines = context.text.split("\n")
    for record in records:
        after_target = len(lines) - 1 - lines.index(record["context"])
        assert after_target == record["lag"]
    assert min(r["lag"] or 0 for r in records) < len(records[-1]["distractors"]) + 1


def test_run_context_keeps_the_newest_episodes_within_the_budget() -> None:
    records = generate("A", 20, 3)
    tokenizer = shared_tokenizer()
    context = run_context(records, tokenizer, budget=120)
    assert 0 < context.episodes_kept < context.episodes_total
    assert context.tokens <= 120
    newest = [e["context"] for e in write_order(records)][-context.episodes_kept :]
    assert context.text == "\n".join(newest)
    assert {r["id"] for r in records if r["context"] in newest} == {
        r["id"] for r in records if r["id"] in context.kept_ids
    }
    with pytest.raises(ValueError, match="budget must be positive"):
        run_context(records, tokenizer, budget=0)


def test_minilm_embeddings_are_normalised_and_semantic(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.encode(["a red backpack", "a crimson rucksack", "quarterly tax filing"])
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), np.ones(3), rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_rag_recall_at_5_on_scenario_a(embedder: MiniLMEmbedder) -> None:
    records = generate("A", 200, 11)
    retrieved = retrieve(records, embedder, 5)
    recall = sum(
        recall_at_k(ids, r["id"], 5) for r, ids in zip(records, retrieved, strict=True)
    ) / len(records)
    assert recall >= 0.9


def test_baselines_run_end_to_end_on_a_tiny_model(embedder: MiniLMEmbedder) -> None:
    model, tok = tiny_model("llama"), shared_tokenizer()
    records = generate("A", 3, 5)
    settings = GenerationSettings(max_new_tokens=4)
    geometry = ModelGeometry.from_config(model.config, "float32")
    long_items, context = run_long_context(model, tok, records, settings, geometry, budget=4096)
    assert [i.id for i in long_items] == [r["id"] for r in records]
    assert all(item.target_in_context for item in long_items)
    assert context.episodes_kept == sum(1 + len(r["distractors"]) for r in records)
    rag = run_rag(model, tok, records, embedder=embedder, k=2, settings=settings, batch_size=2)
    retrievals = [item.retrieval for item in rag.items if item.retrieval is not None]
    assert [len(r.ids) for r in retrievals] == [2, 2, 2]
    hits = [
        recall_at_k(list(r.ids), item.id, 2) for r, item in zip(retrievals, rag.items, strict=True)
    ]
    assert rag.recall_at_k == sum(hits) / 3
    assert [r.hit for r in retrievals] == hits
    assert [item.as_row()["recall_at_2"] for item in rag.items] == hits
    # Every long-context prompt holds every episode, so it is longer than any RAG prompt (k=2).
    assert min(i.prompt_tokens for i in long_items) > max(i.prompt_tokens for i in rag.items)
    assert long_items[0].compute.attention_flops > rag.items[0].compute.attention_flops
    with pytest.raises(ValueError, match="k must be positive"):
        run_rag(model, tok, records, embedder=embedder, k=0)
