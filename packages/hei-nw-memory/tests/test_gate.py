"""The write gate: salience from its signals, a fixed or rate-tracking threshold that
holds its target over a long stream, pins always in, z-scored surprise, decay."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from hei_nw.memory import (
    EpisodeStore,
    GateWeights,
    HashingEmbedder,
    Signals,
    SurpriseWindow,
    WriteGate,
    decayed_salience,
)


def test_salience_is_the_weighted_sum_and_a_pin_always_writes() -> None:
    gate = WriteGate(GateWeights(surprise=2.0, novelty=1.0, reward=0.5, pin=100.0), threshold=3.0)
    signals = Signals(surprise=1.0, novelty=0.5, reward=1.0)
    assert gate.score(signals) == pytest.approx(3.0)
    assert not gate.decide(signals, tokens=10).write  # S must exceed tau
    assert gate.decide(Signals(surprise=1.5, novelty=0.5), tokens=10).write
    pinned = gate.decide(Signals(surprise=-5.0, novelty=0.0, pin=True), tokens=10)
    assert pinned.write and pinned.reason == "pinned"
    assert set(pinned.as_dict()) >= {"surprise", "novelty", "reward", "pin", "score", "threshold"}


@pytest.mark.parametrize("target", [2.0, 5.0, 20.0])
def test_a_target_rate_holds_within_20_percent_over_a_long_stream(target: float) -> None:
    rng = random.Random(0)
    gate = WriteGate(target_per_1k_tokens=target, window=256)
    writes = tokens = 0
    for _ in range(20_000):
        length = rng.randint(10, 60)
        signals = Signals(surprise=rng.gauss(0, 1), novelty=rng.random())
        writes += gate.decide(signals, length).write
        tokens += length
    rate = writes / tokens * 1000
    assert abs(rate - target) / target < 0.2, rate


def test_surprise_is_a_z_score_over_the_recent_window() -> None:
    window = SurpriseWindow(size=4)
    assert window.z(2.0) == 0.0 and window.z(2.0) == 0.0  # nothing to compare with yet
    assert window.z(2.0) == 0.0  # no spread: no surprise
    window.z(4.0)
    assert window.z(10.0) > 1.5  # far above the window's mean
    assert window.z(1.0) < 0


def test_novelty_reads_the_nearest_stored_key() -> None:
    store = EpisodeStore(HashingEmbedder(512))
    assert store.nearest("anything") is None  # an empty store: fully novel
    first = store.write(None, "The van is parked in bay 101 on level 1.")
    similarity, nearest = store.nearest("the van is parked in bay 101, on level 1") or (0.0, "")
    assert nearest == first and similarity > 0.99
    assert (store.nearest("Lunch is at noon.") or (1.0, ""))[0] < 0.5


def test_salience_decays_by_half_life() -> None:
    assert decayed_salience(2.0, 0, 100) == 2.0
    assert decayed_salience(2.0, 100, 100) == pytest.approx(1.0)
    assert decayed_salience(2.0, 300, 100) == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: GateWeights(surprise=float("nan")), "gate weight surprise must be a finite"),
        (lambda: GateWeights(pin=float("inf")), "gate weight pin must be a finite"),
        (lambda: WriteGate(threshold=float("nan")), "threshold must be a finite"),
        (lambda: WriteGate(target_per_1k_tokens=0.0), "must be positive"),
        (lambda: WriteGate(target_per_1k_tokens=-1.0), "must be positive"),
        (lambda: WriteGate(target_per_1k_tokens=float("nan")), "must be positive"),
    ],
)
def test_bad_gate_settings_are_one_line(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        make()
    assert "\n" not in str(caught.value)
