"""The worker on a tiny model: B3 rises above B0, the base stays reachable, a killed run resumes."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import torch
from peft import get_peft_model_state_dict

from hei_nw.consolidate import (
    CHECKPOINT,
    ConsolidationConfig,
    ConsolidationError,
    LoraSettings,
    consolidate,
    make_plan,
    qa_rows,
    read_record,
)
from hei_nw.consolidate.worker import Plan
from hei_nw.memory import Episode
from hei_nw.models.generation import generate_batch
from hei_nw.models.testing import shared_tokenizer, tiny_model

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TRACES = [
    {"who": "Dara Quill", "what": "blue kettle", "where": "Harbor Hall", "when": "2025-03-14"},
    {"who": "Omar Vale", "what": "red scarf", "where": "Mill Yard", "when": "2025-07-02"},
    {"who": "Ines Brook", "what": "old lantern", "where": "Fern Court", "when": "2024-11-30"},
]


@pytest.fixture
def tokenizer() -> Any:
    return shared_tokenizer()


@pytest.fixture
def model() -> Any:
    return tiny_model("llama", seed=0)


@pytest.fixture
def episodes() -> list[Episode]:
    return [
        Episode(
            f"ep-{i:08d}",
            trace,
            f"On {trace['when']}, {trace['who']} left a {trace['what']} at {trace['where']}.",
            {},
        )
        for i, trace in enumerate(TRACES)
    ]


FAST = ConsolidationConfig(
    epochs=30,
    lr=1e-2,
    batch_size=8,
    reading_per_episode=0,
    generic_per_step=0,
    warmup_steps=2,
    patience=100,
    lora=LoraSettings(rank=8, alpha=16),
)


def closed_book_em(model: Any, tokenizer: Any, episodes: list[Episode]) -> float:
    """Greedy answers to each episode's first trained wording per slot, no memory."""
    rows = [row for e in episodes for row in qa_rows(e.id, e.trace)[::4]]
    out = generate_batch(
        [r.prompt for r in rows], model=model, tokenizer=tokenizer, max_new_tokens=8
    )
    return sum(g["text"].strip() == r.target for g, r in zip(out, rows, strict=True)) / len(rows)


def test_consolidation_moves_episodes_into_the_weights(
    tokenizer: Any, episodes: list[Episode], tmp_path: Path
) -> None:
    # A wider initialisation than the default 0.02: with it the tiny model's output
    # layer (which a LoRA on the linear layers leaves alone) can give a peaked answer.
    model = tiny_model("llama", seed=0, initializer_range=0.3)
    before = closed_book_em(model, tokenizer, episodes)
    peft, record = consolidate(model, tokenizer, episodes, tmp_path / "lora", FAST, progress=False)
    after = closed_book_em(peft, tokenizer, episodes)
    assert before == 0.0
    assert after >= 0.5, after  # B3 above B0 (0.75 when measured)
    with peft.disable_adapter():
        assert closed_book_em(peft, tokenizer, episodes) == before  # the base is untouched
    assert record["held_out_loss"][-1] < record["held_out_loss"][0]
    saved = read_record(tmp_path / "lora")
    assert saved["episodes"] == [e.id for e in episodes] and saved["finished"] is True
    assert saved["rows"]["qa"] == 48 and saved["rows"]["lm"] == 3
    assert not (tmp_path / "lora" / CHECKPOINT).exists()


def test_a_bounded_run_resumes_to_the_same_weights(
    tokenizer: Any, episodes: list[Episode], tmp_path: Path
) -> None:
    config = replace(FAST, epochs=2, checkpoint_every=1)
    whole, _ = consolidate(
        tiny_model("llama", seed=0), tokenizer, episodes, tmp_path / "a", config, progress=False
    )
    _, record = consolidate(
        tiny_model("llama", seed=0),
        tokenizer,
        episodes,
        tmp_path / "b",
        config,
        progress=False,
        max_steps=5,
    )
    assert record == {"finished": False, "steps": 5, "planned_steps": record["planned_steps"]}
    assert (tmp_path / "b" / CHECKPOINT).is_file()
    resumed, _ = consolidate(
        tiny_model("llama", seed=0),
        tokenizer,
        episodes,
        tmp_path / "b",
        config,
        progress=False,
        resume=True,
    )
    expected, got = get_peft_model_state_dict(whole), get_peft_model_state_dict(resumed)
    assert expected.keys() == got.keys()
    assert all(torch.allclose(expected[k], got[k], atol=1e-6) for k in expected)


def test_generic_text_with_kl_holds_the_lora_near_the_base(
    tokenizer: Any, episodes: list[Episode], tmp_path: Path
) -> None:
    texts = ["The river rose after three days of rain.", "Markets opened lower on Monday."] * 4
    config = replace(FAST, epochs=4, generic_per_step=2, kl_weight=1.0)
    _, record = consolidate(
        tiny_model("llama", seed=0),
        tokenizer,
        episodes,
        tmp_path / "kl",
        config,
        texts,
        progress=False,
    )
    drift_terms = [step[1] for step in record["loss"]]
    assert drift_terms[0] == 0.0  # a fresh LoRA is the base: KL 0
    assert max(drift_terms) > 0.0
    assert record["rows"]["generic"] == len(texts)


def test_no_episodes_is_one_line(model: Any, tokenizer: Any, tmp_path: Path) -> None:
    with pytest.raises(ConsolidationError, match="no episodes to consolidate"):
        consolidate(model, tokenizer, [], tmp_path / "x", FAST, progress=False)


def test_the_plan_is_a_pure_function_of_its_inputs(tokenizer: Any, episodes: list[Episode]) -> None:
    one = make_plan(episodes, [], tokenizer, FAST)
    two = make_plan(episodes, [], tokenizer, FAST)
    assert one.steps == two.steps and [r.ids for r in one.rows] == [r.ids for r in two.rows]
    shuffled = make_plan(episodes, [], tokenizer, replace(FAST, order="shuffled"))
    assert sorted(map(sorted, shuffled.steps[:2])) != [] and one.counts == shuffled.counts
    assert every_row(shuffled) == every_row(one)  # the same rows, every epoch...
    assert shuffled.steps != one.steps  # ...in another order


def every_row(plan: Plan) -> list[int]:
    return sorted(i for step in plan.steps for i in step)
