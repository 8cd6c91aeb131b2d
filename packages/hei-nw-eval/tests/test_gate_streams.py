"""The write gate's yardsticks: labelled streams, ranking, calibration, the online rate."""

from __future__ import annotations

import math
import random

import pytest

from hei_nw.datasets.stream import SEGMENT_KINDS, make_stream
from hei_nw.eval.gated import policy_writes
from hei_nw.eval.gating import (
    Candidate,
    Platt,
    average_precision,
    online_writes,
    ranking,
    reliability,
    scores,
)
from hei_nw.memory import Signals


def test_a_stream_is_labelled_rare_and_reproducible() -> None:
    stream = make_stream(12, seed=3, split="test", routine=20)
    again = make_stream(12, seed=3, split="test", routine=20)
    assert stream == again
    kinds = {s.kind for s in stream.segments}
    assert kinds <= set(SEGMENT_KINDS) and {"smalltalk", "episode", "pinned"} <= kinds
    positives = [s for s in stream.segments if s.label]
    assert 0 < len(positives) / len(stream.segments) < 0.06
    assert {q["id"] for q in stream.questions} == {s.fact for s in positives}
    assert all(s.pin for s in stream.segments if s.kind == "pinned")
    assert all(s.own and not s.label for s in stream.segments if s.kind == "own-answer")
    other = make_stream(12, seed=4, split="train", routine=20)
    assert not {q["expected"] for q in other.questions} & {q["expected"] for q in stream.questions}
    with pytest.raises(ValueError, match="at least one fact"):
        make_stream(0, seed=3)


def candidate(
    index: int, label: bool, surprise: float, novelty: float, own: bool = False
) -> Candidate:
    return Candidate(index, 10, label, own, Signals(surprise, novelty), nll=surprise)


def test_average_precision_and_rates_on_a_known_ranking() -> None:
    assert average_precision([0.9, 0.8, 0.7, 0.1], [True, False, True, False]) == pytest.approx(
        (1 / 1 + 2 / 3) / 2
    )
    with pytest.raises(ValueError, match="no positive"):
        average_precision([0.5, 0.4], [False, False])
    candidates = [candidate(i, i < 2, surprise=0.0, novelty=1.0 - i / 100) for i in range(100)]
    result = ranking(candidates, "novelty only", rates=(2,))
    assert result["pr_auc"] == 1.0
    assert result["at_rate_per_1k"]["2"] == {"writes": 2, "precision": 1.0, "recall": 1.0}


def test_own_output_is_never_written_however_it_scores() -> None:
    candidates = [candidate(0, False, 9.0, 1.0, own=True), candidate(1, True, 1.0, 0.5)]
    assert scores(candidates, "gate")[0] == -math.inf
    writes = policy_writes(candidates, target_per_1k=100, seed=0)
    assert all(0 not in written for written in writes.values())


def test_platt_calibration_fits_a_training_stream_and_ece_can_fail() -> None:
    rng = random.Random(0)
    values = [rng.gauss(0, 1) for _ in range(2000)]
    labels = [rng.random() < 1 / (1 + math.exp(-(2 * v - 1))) for v in values]
    platt = Platt.fit(values, labels)
    assert platt.a == pytest.approx(2, abs=0.3) and platt.b == pytest.approx(-1, abs=0.2)
    calibrated = reliability([platt(v) for v in values], labels)
    assert calibrated["ece"] < 0.05
    overconfident = reliability([1.0 if v > 0 else 0.0 for v in values], labels)
    assert overconfident["ece"] > 0.1
    with pytest.raises(ValueError, match="both positive and negative"):
        Platt.fit([0.1, 0.2], [False, False])


def test_the_online_gate_holds_its_target_rate() -> None:
    rng = random.Random(1)
    candidates = [candidate(i, False, rng.gauss(0, 1), rng.random()) for i in range(3000)]
    result = online_writes(candidates, target_per_1k=5)  # 10 tokens each: 0.05 per candidate
    assert result["realised_per_1k"] == pytest.approx(5, rel=0.2)
    with pytest.raises(ValueError, match="must be positive"):
        online_writes(candidates, target_per_1k=0)
