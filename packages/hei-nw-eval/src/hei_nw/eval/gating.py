"""The write gate measured on a labelled stream: signals, ranking, calibration, live writes.

1. :func:`measure_signals` - per candidate, surprise (the frozen model's NLL of
   its tokens after the recent stream, as a z-score over a sliding window) and
   novelty (1 - the highest key similarity to everything heard before it; an
   empty history is fully novel), plus the caller's reward and pin.
2. :func:`ranking` - PR-AUC (average precision) of a score against the labels,
   and precision / recall when the top ``rate`` candidates per 1,000 tokens are
   written.
3. :class:`Platt` - a calibrated probability: a logistic fit of the label on
   the score, fitted on a *training* stream; :func:`reliability` - the
   reliability bins and ECE on another stream.
4. :func:`online_writes` - the :class:`~hei_nw.memory.WriteGate` with a target
   rate run over the stream, and the writes per 1,000 tokens it actually made.

The system's own output is never a candidate for writing (``own``): it is
scored for the record but excluded from every policy's writes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.datasets.stream import Stream
from hei_nw.memory import (
    EpisodeStore,
    GateWeights,
    HashingEmbedder,
    Signals,
    SurpriseWindow,
    WriteGate,
)
from hei_nw.models import token_nll


@dataclass(frozen=True)
class Candidate:
    """One segment with its measured signals and its token count."""

    index: int
    tokens: int
    label: bool
    own: bool
    signals: Signals
    nll: float


def measure_signals(
    model: Any,
    tokenizer: Any,
    stream: Stream,
    context_segments: int = 4,
    on_item: Callable[[], None] | None = None,
) -> list[Candidate]:
    """Surprise and novelty of every segment, in stream order."""
    window = SurpriseWindow()
    heard = EpisodeStore(HashingEmbedder())
    out: list[Candidate] = []
    for index, segment in enumerate(stream.segments):
        context = " ".join(
            s.text for s in stream.segments[max(0, index - context_segments) : index]
        )
        nll, _ = token_nll(model, tokenizer, segment.text, context)
        nearest = heard.nearest(segment.text)
        novelty = 1.0 if nearest is None else 1.0 - nearest[0]
        signals = Signals(window.z(nll), novelty, segment.reward, segment.pin)
        tokens = len(tokenizer(segment.text, add_special_tokens=False)["input_ids"])
        out.append(Candidate(index, tokens, segment.label, segment.own, signals, nll))
        heard.write(None, segment.text)
        if on_item is not None:
            on_item()
    return out


_DEFAULT_GATE = WriteGate(GateWeights())
"""Scores with the default weights (scoring reads only the weights: one gate serves all)."""

SCORERS: dict[str, Callable[[Signals], float]] = {
    "gate": _DEFAULT_GATE.score,
    "surprise only": lambda s: s.surprise,
    "novelty only": lambda s: s.novelty,
}
"""The full salience and the single-signal ablations."""


def scores(candidates: Sequence[Candidate], scorer: str) -> list[float]:
    """Each candidate's score; the system's own output can never be written (-inf)."""
    return [-math.inf if c.own else SCORERS[scorer](c.signals) for c in candidates]


def average_precision(values: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the precision-recall curve as average precision (ties broken by order)."""
    positives = sum(labels)
    if positives == 0:
        raise ValueError("the stream has no positive candidates: precision is undefined")
    ranked = sorted(range(len(values)), key=lambda i: (-values[i], i))
    hits, total = 0, 0.0
    for rank, i in enumerate(ranked, start=1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / positives


def top_k_writes(values: Sequence[float], k: int) -> set[int]:
    ranked = sorted(
        (i for i in range(len(values)) if values[i] > -math.inf), key=lambda i: (-values[i], i)
    )
    return set(ranked[:k])


def ranking(
    candidates: Sequence[Candidate], scorer: str, rates: Sequence[float] = (1, 2, 5)
) -> dict[str, Any]:
    """PR-AUC, and precision / recall when writing ``rate`` candidates per 1,000 tokens."""
    values = scores(candidates, scorer)
    labels = [c.label for c in candidates]
    tokens = sum(c.tokens for c in candidates)
    at: dict[str, Any] = {}
    for rate in rates:
        k = max(1, round(rate * tokens / 1000))
        written = top_k_writes(values, k)
        hits = sum(labels[i] for i in written)
        at[f"{rate:g}"] = {"writes": k, "precision": hits / k, "recall": hits / max(1, sum(labels))}
    return {"pr_auc": average_precision(values, labels), "at_rate_per_1k": at}


@dataclass(frozen=True)
class Platt:
    """P(label | score) = sigmoid(a * score + b), fitted by Newton's method on log loss."""

    a: float
    b: float

    @classmethod
    def fit(cls, values: Sequence[float], labels: Sequence[bool], steps: int = 50) -> Platt:
        if not any(labels) or all(labels):
            raise ValueError("calibration needs both positive and negative candidates")
        xs = [_finite(v) for v in values]
        a, b = 0.0, 0.0
        for _ in range(steps):
            ga = gb = haa = hab = hbb = 0.0
            for x, y in zip(xs, labels, strict=True):
                p = _sigmoid(a * x + b)
                ga, gb = ga + (p - y) * x, gb + (p - y)
                w = p * (1 - p) + 1e-9
                haa, hab, hbb = haa + w * x * x, hab + w * x, hbb + w
            det = haa * hbb - hab * hab
            if det <= 0:
                break
            a -= (hbb * ga - hab * gb) / det
            b -= (haa * gb - hab * ga) / det
        return cls(a, b)

    def __call__(self, value: float) -> float:
        return _sigmoid(self.a * _finite(value) + self.b)


def reliability(
    probabilities: Sequence[float], labels: Sequence[bool], bins: int = 10
) -> dict[str, Any]:
    """Equal-width reliability bins and the expected calibration error."""
    rows = []
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [
            i for i, p in enumerate(probabilities) if lo <= p < hi or (b == bins - 1 and p == 1.0)
        ]
        if not members:
            continue
        confidence = sum(probabilities[i] for i in members) / len(members)
        accuracy = sum(labels[i] for i in members) / len(members)
        ece += len(members) / len(probabilities) * abs(confidence - accuracy)
        rows.append(
            {"bin": [lo, hi], "n": len(members), "confidence": confidence, "accuracy": accuracy}
        )
    return {"ece": ece, "bins": rows}


def online_writes(
    candidates: Sequence[Candidate], target_per_1k: float, window_tokens: int = 1000
) -> dict[str, Any]:
    """Run the rate-tracking gate over the stream: which it wrote, and the realised rate."""
    gate = WriteGate(target_per_1k_tokens=target_per_1k)
    written: list[int] = []
    series: list[float] = []
    tokens_in_window = writes_in_window = total_tokens = 0
    for c in candidates:
        decision = gate.decide(c.signals, c.tokens)
        if decision.write and not c.own:
            written.append(c.index)
            writes_in_window += 1
        tokens_in_window += c.tokens
        total_tokens += c.tokens
        if tokens_in_window >= window_tokens:
            series.append(1000 * writes_in_window / tokens_in_window)
            tokens_in_window = writes_in_window = 0
    return {
        "target_per_1k": target_per_1k,
        "written": written,
        "realised_per_1k": 1000 * len(written) / max(1, total_tokens),
        "per_1k_by_window": series,
    }


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def _finite(value: float) -> float:
    return -1e3 if value == -math.inf else value
