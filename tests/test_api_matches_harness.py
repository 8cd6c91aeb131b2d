"""The API answers as the harness measures: the same episodes written to a ``Memory`` and
to the harness's store give the same recalls and the same answers (SmolLM2, the shipped
reader, 20 scenario-A items with their distractors, the top recall packed). The harness
reads with the copy-head reader, so the API is asked to answer the same way
(``answers="generate"``; the API's own default reads spans)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hei_nw.api import DEFAULTS, Memory
from hei_nw.datasets import generate, write_order
from hei_nw.eval import (
    GenerationSettings,
    StoreSettings,
    prompts_for,
    run_generation,
    store_memories,
)
from hei_nw.metrics import ModelGeometry
from hei_nw.models import load_memory_reader, shipped_reader_path


def test_api_answers_equal_the_harness_b1_store_path(tmp_path: Path) -> None:
    records = generate("A", 20, 7, split="test", forms="train")
    with Memory.open(tmp_path, settings=replace(DEFAULTS, answers="generate")) as memory:
        for episode in write_order(records):
            memory.remember(episode["trace"])
        api = memory.ask_many([r["query"] for r in records], k=DEFAULTS.read.recall_k)
        engine = memory.engine

    loaded = engine.loaded
    reader = load_memory_reader(loaded.model, shipped_reader_path(), revision=loaded.revision)
    settings = StoreSettings("hashing", DEFAULTS.keys, 0, "test", 7)
    cap = reader.config.max_mem_tokens or DEFAULTS.read.memory_cap
    memories = store_memories(
        records, loaded.tokenizer, cap, DEFAULTS.read.recall_k, settings
    ).memories
    harness = run_generation(
        loaded.model,
        loaded.tokenizer,
        records,
        prompts_for(records, with_context=False),
        GenerationSettings.from_recipe(DEFAULTS.read),
        ModelGeometry.from_config(loaded.model.config, loaded.dtype),
        batch_size=len(records),
        reader=reader,
        memories=memories,
    )
    assert [a.text for a in api] == [h.prediction for h in harness]
    assert sum(h.scores["strict_em"] for h in harness) >= 15  # and they are mostly right
    assert all(a.memory_used for a in api)
