"""Metrics: answer matching edge cases, compute estimates, statistics."""

from __future__ import annotations

import math
import time

import pytest
import torch

from hei_nw.metrics import (
    METRICS,
    ComputeRecord,
    ModelGeometry,
    contains_answer,
    estimate_attention_flops,
    estimate_kv_bytes,
    exact_match,
    latency_summary,
    loose_exact_match,
    normalize_answer,
    normalize_answer_loose,
    paired_bootstrap,
    percentile,
    recall_at_k,
    relaxed_exact_match,
    timed,
    token_f1,
    wilson_interval,
)


def test_exact_match_is_strict() -> None:
    assert exact_match("Paris", "Paris") == 1.0
    assert exact_match(" Paris\n", "Paris") == 1.0
    assert exact_match("paris", "Paris") == 0.0
    assert exact_match("", "") == 1.0


# What SQuAD's evaluation script makes of each string (lower, delete ASCII
# punctuation, drop articles, collapse whitespace), worked out by hand from its rules.
SQUAD_NORMALISED = {
    "2024-07-25": "20240725",
    "The  Café Lumen!": "café lumen",
    "an orange scarf.": "orange scarf",
    "O'Neil & Sons, Ltd.": "oneil sons ltd",
    "“Quoted” — text…": "“quoted” — text…",
    "anthem theatre": "anthem theatre",
    "port 5433/tcp": "port 5433tcp",
}


@pytest.mark.parametrize(("raw", "expected"), SQUAD_NORMALISED.items())
def test_normalize_answer_follows_squad(raw: str, expected: str) -> None:
    assert normalize_answer(raw) == expected


def test_relaxed_match_and_f1_treat_a_date_as_one_token_like_squad() -> None:
    assert relaxed_exact_match("The  Café Lumen!", "café lumen") == 1.0
    assert relaxed_exact_match("an orange scarf.", "Orange scarf") == 1.0
    assert relaxed_exact_match("Lumen", "Café Lumen") == 0.0
    assert token_f1("2024 07 25", "2024-07-25") == 0.0
    assert token_f1("on 2024-07-25", "2024-07-25") == pytest.approx(2 / 3)


def test_loose_match_is_the_separately_named_extra() -> None:
    assert normalize_answer_loose("“Quoted” — text…") == "quoted text"
    assert loose_exact_match("Café-Lumen", "café lumen") == 1.0
    assert relaxed_exact_match("Café-Lumen", "café lumen") == 0.0
    assert METRICS["loose_em"] is loose_exact_match


def test_only_loose_match_compares_unicode_after_nfc() -> None:
    decomposed = "Cafe\u0301 Lumen"
    assert loose_exact_match(decomposed, "Café Lumen") == 1.0
    assert relaxed_exact_match(decomposed, "Café Lumen") == 0.0


def test_token_f1_partial_and_empty() -> None:
    assert token_f1("red backpack", "red backpack") == 1.0
    assert token_f1("a red bag", "red backpack") == pytest.approx(0.5)
    assert token_f1("", "") == 1.0
    assert token_f1("", "x") == 0.0
    assert token_f1("blue", "red") == 0.0


def test_contains_answer_respects_word_boundaries() -> None:
    assert contains_answer("She left it at Café Lumen yesterday.", "Café Lumen") == 1.0
    assert contains_answer("port 54330", "5433") == 0.0
    assert contains_answer("anything", "") == 0.0


def test_recall_at_k() -> None:
    assert recall_at_k(["a", "b", "c"], "c", 3) == 1.0
    assert recall_at_k(["a", "b", "c"], "c", 2) == 0.0
    assert recall_at_k(["a", "b"], ["x", "b"], 2) == 1.0
    with pytest.raises(ValueError, match="k must be positive"):
        recall_at_k(["a"], "a", 0)


def test_latency_summary_and_timer() -> None:
    assert latency_summary([])["mean"] is None
    summary = latency_summary([1.0, 2.0, 3.0, 4.0])
    assert summary["mean"] == 2.5
    assert summary["p50"] == 2.5
    assert summary["max"] == 4.0
    assert percentile([1.0, 2.0], 95) == pytest.approx(1.95)
    assert math.isnan(percentile([], 50))
    with timed() as timer:
        time.sleep(0.02)
    assert 0.02 <= timer.elapsed_s < 5.0


def test_attention_flops_formula_and_monotonic() -> None:
    # P=2, G=1, d=4, L=1: prefill pairs 1+2, decode pairs 3 -> 4*4*1*6
    assert estimate_attention_flops(2, 1, 1, 4, 2) == 96
    values = [estimate_attention_flops(p, 8, 30, 576, 9) for p in (0, 10, 100, 1000)]
    assert values == sorted(values)
    assert len(set(values)) == 4
    assert estimate_attention_flops(10, 20, 2, 8, 2) > estimate_attention_flops(10, 10, 2, 8, 2)
    with pytest.raises(ValueError, match="divisible"):
        estimate_attention_flops(1, 1, 1, 10, 3)


def test_kv_bytes_formula() -> None:
    assert estimate_kv_bytes(10, 30, 3, 64, "float32") == 2 * 10 * 30 * 3 * 64 * 4
    assert estimate_kv_bytes(10, 30, 3, 64, torch.bfloat16) == 2 * 10 * 30 * 3 * 64 * 2
    with pytest.raises(ValueError, match="unknown dtype"):
        estimate_kv_bytes(1, 1, 1, 1, "float8")


def test_compute_record_keys_always_present() -> None:
    geometry = ModelGeometry(n_layers=2, d_model=8, heads=2, n_kv_heads=1, dtype="float32")
    record = geometry.footprint(0, 0)
    assert isinstance(record, ComputeRecord)
    assert record.as_dict() == {
        "prompt_tokens": 0,
        "generated_tokens": 0,
        "attention_flops": 0,
        "kv_cache_bytes": 0,
    }


def test_wilson_interval() -> None:
    low, high = wilson_interval(8, 10)
    assert 0.44 < low < 0.5
    assert 0.94 < high < 0.97
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 5)[0] == 0.0
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(6, 5)


def test_paired_bootstrap_is_seeded_and_centred() -> None:
    a = [0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0]
    b = [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    first = paired_bootstrap(a, b, resamples=1000, seed=3)
    assert first == paired_bootstrap(a, b, resamples=1000, seed=3)
    assert first["mean_diff"] == pytest.approx(0.25)
    assert first["ci_low"] <= 0.25 <= first["ci_high"]
    assert paired_bootstrap(a, a)["ci_low"] == paired_bootstrap(a, a)["ci_high"] == 0.0
    with pytest.raises(ValueError, match="at least 1000"):
        paired_bootstrap(a, b, resamples=10)
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap(a, b[:3])


def test_reports_from_before_the_rename_read_under_the_current_names() -> None:
    from hei_nw.metrics import with_current_names

    old = {"metrics": {"em": {"mean": 0.2}, "relaxed_em": {"mean": 0.3}, "f1": 1},
           "items": [{"em": 1.0, "relaxed_em": 1.0}]}  # fmt: skip
    new = with_current_names(old)
    assert new == {"metrics": {"strict_em": {"mean": 0.2}, "squad_em": {"mean": 0.3}, "f1": 1},
                   "items": [{"strict_em": 1.0, "squad_em": 1.0}]}  # fmt: skip
