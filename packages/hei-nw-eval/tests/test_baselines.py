"""Long-context and RAG baselines, with the real MiniLM embedder."""

from __future__ import annotations

import numpy as np
import pytest

from hei_nw.baselines import (
    build_context,
    retrieve,
    run_long_context,
    run_rag,
)
from hei_nw.datasets import generate
from hei_nw.eval.runner import GenerationSettings
from hei_nw.memory.minilm import MiniLMEmbedder
from hei_nw.metrics import ModelGeometry, recall_at_k
from hei_nw.models.testing import shared_tokenizer, tiny_model


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_build_context_holds_target_and_every_distractor() -> None:
    record = generate("D", 1, 3, store_size=6)[0]
    context = build_context(record)
    assert record["context"] in context
    for distractor in record["distractors"]:
        assert distractor["context"] in context
    assert context == build_context(record)  # seeded order


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
    long_items = run_long_context(model, tok, records, settings, geometry)
    assert [i["id"] for i in long_items] == [r["id"] for r in records]
    rag = run_rag(model, tok, records, embedder=embedder, k=2, settings=settings, batch_size=2)
    assert len(rag.items) == 3
    assert all(len(item["retrieved"]) == 2 for item in rag.items)
    assert 0.0 <= rag.recall_at_k <= 1.0
    no_memory = geometry.footprint(rag.items[0]["prompt_tokens"], 0).attention_flops
    assert long_items[0]["compute"]["attention_flops"] > 0
    assert no_memory > 0
    with pytest.raises(ValueError, match="k must be positive"):
        run_rag(model, tok, records, embedder=embedder, k=0)
