"""Benchmarks that can fail: held-out forms and value formats, renderings, extra fields,
scenarios whose memory holds their conflicts, the dev split, the rule parser, family tables."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from hei_nw.baselines import asked_slot, parse_episodes, rule_answer
from hei_nw.datasets import HELD_OUT, HELD_OUT_FORMATS, generate, oracle_episodes, vocabulary
from hei_nw.eval import family_table, render_families, score
from hei_nw.eval.results import ItemResult
from hei_nw.metrics import ComputeRecord
from hei_nw.pack import render_episode


@pytest.mark.parametrize("scenario", list("ABCDE"))
def test_held_out_forms_ask_the_same_item_in_other_words(scenario: str) -> None:
    train = generate(scenario, 40, 7, split="test", forms="train")
    held = generate(scenario, 40, 7, split="test", forms="heldout")
    for a, b in zip(train, held, strict=True):
        assert (a["context"], a["expected"], a["trace"]) == (
            b["context"],
            b["expected"],
            b["trace"],
        )
        assert a["query"] != b["query"]
        assert b["extra"]["family"]["forms"] == "heldout"
    assert any(key.startswith(f"{scenario}:") for key in HELD_OUT)


def test_plain_variant_is_the_published_item() -> None:
    """Variants draw from streams of their own: the default item is unchanged."""
    published = generate("A", 30, 7, split="test")
    for record in published:
        assert "memory" not in record
        assert oracle_episodes(record) == [record["trace"]]
    assert published[0]["query"] == generate("A", 1, 7, split="test", forms="train")[0]["query"]


@pytest.mark.parametrize("fmt", list(HELD_OUT_FORMATS))
def test_each_value_format_rewrites_the_asked_slot(fmt: str) -> None:
    shapes: dict[str, Callable[[str], bool]] = {
        "long-names": lambda v: len(v.split()) >= 4,
        "digits": lambda v: any(c.isdigit() for c in v),
        "mixed-case": lambda v: (
            any(w[:1].islower() and not w.islower() for w in v.split())
            or re.search(r"[a-z][A-Z]", v) is not None
        ),
        "punctuation": lambda v: any(c in v for c in "'.-("),
        "codes": lambda v: re.search(r"\d", v) is not None and re.search(r"[.-]", v) is not None,
        "email": lambda v: "@" in v,
        "url": lambda v: v.startswith("https://"),
        "non-ascii": lambda v: not v.isascii(),
    }
    for record in generate("A", 24, 7, split="test", values=fmt):
        assert record["extra"]["family"]["values"] == fmt
        assert shapes[fmt](record["expected"]), record["expected"]
        assert record["expected"] in record["context"]


def test_heldout_values_cycle_every_format() -> None:
    records = generate("A", 2 * len(HELD_OUT_FORMATS), 7, split="test", values="heldout")
    assert {r["extra"]["family"]["values"] for r in records} == set(HELD_OUT_FORMATS)


def test_renderings_put_prose_in_memory_not_the_template() -> None:
    for render in ("sentence", "paragraph"):
        for record in generate("A", 20, 7, split="test", render=render):
            (episode,) = oracle_episodes(record)
            assert isinstance(episode, str) and "who:" not in episode
            assert record["context"] in episode  # the fact itself, among others in a paragraph
            if render == "paragraph":
                assert episode.count(" left ") == 3


def test_extra_fields_are_in_memory_and_asked() -> None:
    for record in generate("A", 20, 7, split="test", fields="extra"):
        asked = record["extra"]["asked"]
        assert asked in ("with", "why")
        assert record["expected"] == record["trace"][asked]
        assert f"{asked}:{record['expected']}" in render_episode(record["trace"])


def test_b_memory_holds_the_original_and_the_update() -> None:
    for record in generate("B", 30, 7, split="test"):
        original, update = oracle_episodes(record)
        assert isinstance(original, dict) and isinstance(update, dict)
        assert record["extra"]["stale"] in original.values()
        assert record["expected"] in update.values()
        assert original["when"] <= update["when"]


def test_d_memory_holds_near_collisions_and_e_the_transcript() -> None:
    for record in generate("D", 20, 7, split="test"):
        episodes = oracle_episodes(record)
        assert len(episodes) == 4 and record["trace"] in episodes
        assert all(isinstance(e, dict) and e["what"] == record["trace"]["what"] for e in episodes)
    for record in generate("E", 20, 7, split="test"):
        parts = oracle_episodes(record)
        assert len(parts) == 4 and all(isinstance(p, str) for p in parts)
        needle = [p for p in parts if record["expected"] in p]
        assert len(needle) == 1
        assert all(isinstance(p, str) and p in record["context"] for p in parts)  # the transcript


def test_dev_vocabulary_shares_no_entity_with_test_or_train() -> None:
    dev = vocabulary("dev").strings()
    assert len(dev) > 20_000
    assert not dev & vocabulary("test").strings()
    assert not dev & vocabulary("train").strings()


def test_rule_parser_reads_the_template_and_nothing_else() -> None:
    memory = render_episode(
        {"who": "Ana Vell", "what": "lead of Project X", "where": "", "when": "2024-01-02"}
    ) + render_episode(
        {"who": "Bo Kest", "what": "new lead of Project X", "where": "", "when": "2024-05-06"}
    )
    assert parse_episodes(memory)[1]["who"] == "Bo Kest"
    assert asked_slot("Tell me, who leads Project X?") == "who"
    assert asked_slot("port for stargazer?") == "what"
    # Equal overlap: the newer episode wins.
    assert rule_answer("Who is the lead of Project X now?", memory) == "Bo Kest"
    prose = render_episode("On 2024-01-02, Ana Vell left a red bag at Dock Lumen.")
    assert parse_episodes(prose) == [{}]
    assert rule_answer("Who left the red bag?", prose) == ""


def _item(record_id: str, prediction: str, expected: str) -> ItemResult:
    return ItemResult(
        id=record_id,
        prompt="q",
        prompt_hash="h",
        prediction=prediction,
        expected=expected,
        scores=score(prediction, expected),
        latency_s=0.0,
        prompt_tokens=0,
        generated_tokens=0,
        finish_reason="eos",
        lag=None,
        compute=ComputeRecord(0, 0, 0, 0),
    )


def test_family_table_counts_em_and_stale_answers_per_run() -> None:
    records = generate("B", 4, 7, split="test", forms="heldout")
    right = [_item(r["id"], r["expected"], r["expected"]) for r in records]
    stale = [_item(r["id"], r["extra"]["stale"], r["expected"]) for r in records]
    rows = family_table(records, {"reader": right, "rules": stale})
    by_axis = {(row["axis"], row["value"]): row for row in rows}
    forms = by_axis[("forms", "heldout")]
    assert forms["n"] == 4
    assert forms["runs"]["reader"]["strict_em"]["mean"] == 1.0
    assert forms["runs"]["rules"]["strict_em"]["mean"] == 0.0
    assert forms["runs"]["rules"]["stale"]["mean"] == 1.0
    assert forms["runs"]["reader"]["stale"]["mean"] == 0.0
    text = "\n".join(render_families(rows))
    assert "| forms | heldout | 4 | 1.000" in text and "stale answers" in text
