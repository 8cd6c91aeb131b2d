"""Scenario generators: determinism, prefix stability, fields and scenario rules."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys

import pytest

from hei_nw.datasets import (
    DEFAULT_LAG_BINS,
    GENERATORS,
    REQUIRED_FIELDS,
    Record,
    generate,
    write_order,
)
from hei_nw.datasets.lag import item_episodes
from hei_nw.datasets.pools import ITEMS, PEOPLE, PLACES, PROJECTS, SERVERS
from hei_nw.datasets.scenario_a import ASKABLE
from hei_nw.pack import SLOTS

SCENARIOS = sorted(GENERATORS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_seed_same_records_other_seed_different(scenario: str) -> None:
    assert generate(scenario, 20, 5) == generate(scenario, 20, 5)
    assert generate(scenario, 20, 5) != generate(scenario, 20, 6)


def test_records_do_not_depend_on_the_process_hash_seed() -> None:
    """String hashing is randomised per process; generators must not depend on it."""
    code = (
        "import hashlib, json; from hei_nw.datasets import generate; "
        "print(hashlib.sha256(json.dumps([generate(s, 60, 7) for s in 'ABCDE'], "
        "sort_keys=True).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("0", "1", "2")
    }
    assert len(digests) == 1


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_prefix_stable_across_sizes_apart_from_lag(scenario: str) -> None:
    def without_lag(records: list[Record]) -> list[dict[str, object]]:
        return [{k: v for k, v in r.items() if k != "lag"} for r in records]

    small, large = generate(scenario, 8, 3), generate(scenario, 64, 3)
    assert without_lag(small) == without_lag(large[:8])
    # Lag counts the episodes written after the target, so a longer run adds to it.
    later = sum(1 + len(r["distractors"]) for r in large[8:])
    assert [r["lag"] for r in large[:8]] == [(r["lag"] or 0) + later for r in small]
    assert all(r["lag"] is not None for r in small)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_large_runs_have_every_field_and_unique_ids(scenario: str) -> None:
    records = generate(scenario, 600, 1)
    assert len(records) == 600
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    for record in records:
        for field in REQUIRED_FIELDS:
            assert field in record, field
        assert record["scenario"] == scenario
        assert record["should_remember"] is True
        assert tuple(record["trace"]) == SLOTS
        assert record["expected"]
        assert record["expected"] in record["context"]
        for distractor in record["distractors"]:
            assert distractor["should_remember"] is False
            assert distractor["group_id"] == record["group_id"]


def test_pools_are_disjoint_and_synthetic() -> None:
    pools = [set(PEOPLE), set(PLACES), set(ITEMS), set(PROJECTS), set(SERVERS)]
    for a, b in itertools.combinations(pools, 2):
        assert not a & b
    assert len(PEOPLE) >= 500


def test_zero_items_and_bad_sizes() -> None:
    assert generate("A", 0, 1) == []
    with pytest.raises(ValueError, match="n must be a non-negative int"):
        generate("A", -1, 1)
    with pytest.raises(ValueError, match="unknown scenario 'F'"):
        generate("F", 1, 1)


def test_a_hard_negatives_share_two_slots_and_cue_stays_unique() -> None:
    records = generate("A", 500, 2)
    for record in records:
        target: dict[str, str] = dict(record["trace"])
        asked, cue = record["extra"]["asked"], record["extra"]["cue"]
        assert record["expected"] == target[asked]
        assert len(record["distractors"]) == 1
        for distractor in record["distractors"]:
            negative: dict[str, str] = dict(distractor["trace"])
            shared = [s for s in SLOTS if negative[s] == target[s]]
            assert len(shared) >= 2
            assert negative[asked] != target[asked]
            assert not all(negative[s] == target[s] for s in cue), "cue must identify the target"
        for slot in cue:  # the query names exactly the cue slots
            assert target[slot] in record["query"]
        assert target[asked] not in record["query"]


def test_lag_is_the_number_of_episodes_written_after_the_target() -> None:
    records = generate("A", 300, 4)
    order = write_order(records)
    position = {id(episode): i for i, episode in enumerate(order)}
    for record in records:
        assert record["lag"] == len(order) - 1 - position[id(record)]
        assert all(d["lag"] is None for d in record["distractors"])
    # A target is written sometimes before its distractor, sometimes after it.
    places = {[e["id"] for e in item_episodes(r)].index(r["id"]) for r in records}
    assert places == {0, 1}
    # Every lag bin the reports use is populated (0, 1-3, 4-15, 16-63, 64-255, 256+).
    edges = [*DEFAULT_LAG_BINS, float("inf")]
    lags = [int(r["lag"] or 0) for r in records]
    filled = {i for lag in lags for i in range(len(edges) - 1) if edges[i] <= lag < edges[i + 1]}
    assert filled == set(range(len(DEFAULT_LAG_BINS)))


def test_a_options_apply() -> None:
    counts = [len(r["distractors"]) for r in generate("A", 200, 4, confounders_ratio=2.5)]
    assert set(counts) == {2, 3}
    assert all(not r["distractors"] for r in generate("A", 20, 4, confounders_ratio=0.0))
    assert {r["extra"]["asked"] for r in generate("A", 200, 4)} == set(ASKABLE)
    with pytest.raises(ValueError, match="confounders_ratio"):
        generate("A", 1, 1, confounders_ratio=-1)


def test_b_update_contradicts_prior_and_has_control() -> None:
    for record in generate("B", 200, 3):
        extra = record["extra"]
        assert extra["prior"] != record["expected"]
        assert extra["prior"] in record["context"]
        assert f"now {record['expected']}" in record["context"]
        assert extra["control_expected"] in record["context"]
        assert extra["control_expected"] not in (extra["prior"], record["expected"])
        # The answer fills a trace slot of its own, and the trace names the project.
        trace = record["trace"]
        assert record["expected"] in (trace["who"], trace["where"])
        assert trace["what"] == f"new {extra['attribute']} of {extra['subject']}"


def test_c_queries_are_paraphrases_not_the_fact() -> None:
    records = generate("C", 300, 3)
    assert {r["extra"]["kind"] for r in records} == {"server_port", "editor", "office"}
    for record in records:
        assert record["query"] not in record["context"]
    editor_cues = {
        r["query"].replace(r["extra"]["subject"], "X")
        for r in records
        if r["extra"]["kind"] == "editor"
    }
    assert len(editor_cues) == 3
    # An editor fact's answer fills the trace's what-slot alone (not "editor Vim").
    editors = [r for r in records if r["extra"]["kind"] == "editor"]
    assert editors and all(r["trace"]["what"] == r["expected"] for r in editors)


@pytest.mark.parametrize("split", ["classic", "test"])
@pytest.mark.parametrize("scenario", ["B", "C"])
def test_a_store_holding_a_whole_run_has_one_answer_per_question(scenario: str, split: str) -> None:
    records = generate(scenario, 500, 7, split=split)
    assert len({r["query"] for r in records}) == 500
    episodes = [f"{r['context']} {' '.join(r['trace'].values())}" for r in records]
    everything = "\n".join(episodes)
    for record, episode in zip(records, episodes, strict=True):
        subject = record["extra"]["subject"]
        assert subject in record["query"]
        # The cue's subject, as a whole name, appears in this item's episode only.
        name = re.compile(rf"(?<![\w-]){re.escape(subject)}(?![\w-])")
        assert len(name.findall(everything)) == len(name.findall(episode)) > 0, subject


def test_a_run_larger_than_its_pool_is_refused() -> None:
    with pytest.raises(ValueError, match="entity of its own, but this vocabulary has only 768"):
        generate("C", 769, 7, split="classic")


def test_d_store_size_and_unique_cue() -> None:
    for record in generate("D", 100, 3, store_size=12):
        assert len(record["distractors"]) == 12
        target: dict[str, str] = dict(record["trace"])
        for near in record["distractors"]:
            trace: dict[str, str] = dict(near["trace"])
            assert (trace["who"], trace["when"]) != (target["who"], target["when"])
            assert sum(trace[s] != target[s] for s in SLOTS) == 2
    assert all(not r["distractors"] for r in generate("D", 5, 3, store_size=0))


def test_e_needle_position_and_length() -> None:
    for position in (0.0, 0.5, 1.0):
        for record in generate("E", 10, 3, length=40, position=position):
            turns = record["context"].split("\n")
            assert len(turns) == 41
            needle = [i for i, t in enumerate(turns) if record["trace"]["where"] in t]
            assert needle == [round(position * 40)]
    short, long = generate("E", 1, 3, length=4)[0], generate("E", 1, 3, length=200)[0]
    assert len(long["context"]) > 10 * len(short["context"])
    with pytest.raises(ValueError, match="position"):
        generate("E", 1, 1, position=1.5)
