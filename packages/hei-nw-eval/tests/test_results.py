"""Typed item results become the samples file's flat rows."""

from __future__ import annotations

from dataclasses import replace

from hei_nw.eval import ItemResult, Retrieval
from hei_nw.eval.scoring import score
from hei_nw.metrics import METRICS, ComputeRecord

PLAIN = ItemResult(
    id="A-0",
    prompt="Question: where?",
    prompt_hash="abc",
    prediction="Dock Marrow",
    expected="Dock Marrow",
    scores=score("Dock Marrow", "Dock Marrow"),
    latency_s=0.5,
    prompt_tokens=12,
    generated_tokens=3,
    finish_reason="eos",
    lag=4,
    compute=ComputeRecord(
        prompt_tokens=12, generated_tokens=3, attention_flops=7, kv_cache_bytes=9
    ),
)


def test_a_plain_row_has_every_metric_and_no_optional_field() -> None:
    row = PLAIN.as_row()
    assert {name: row[name] for name in METRICS} == PLAIN.scores
    assert row["compute"]["attention_flops"] == 7
    assert row["lag"] == 4
    for optional in ("memory_token_ids", "memory_text", "target_in_context", "retrieved"):
        assert optional not in row


def test_optional_fields_appear_once_set() -> None:
    row = replace(
        PLAIN,
        memory_token_ids=(5, 6),
        memory_text="ab",
        target_in_context=False,
        retrieval=Retrieval(ids=("A-3", "A-0"), hit=1.0, k=2),
        store_recall={"rank": 2},
    ).as_row()
    assert (row["memory_token_ids"], row["memory_text"]) == ([5, 6], "ab")
    assert row["target_in_context"] is False
    assert (row["retrieved"], row["recall_at_2"]) == (["A-3", "A-0"], 1.0)
    assert row["retrieval"] == {"rank": 2}
