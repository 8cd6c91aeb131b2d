"""The write gate: decide what to remember from a stream of candidate episodes.

Salience ``S = alpha * surprise + beta * novelty + gamma * reward + delta * pin``,
written when ``S > tau``. The signals are measured, not made up:

* **surprise** - the frozen model's negative log-likelihood of the candidate's
  tokens given the recent stream (``hei_nw.models.token_nll``), as a z-score over a
  sliding window of recent candidates (:class:`SurpriseWindow`: how unusual is this
  text for this stream, the ``mu + gamma * sigma`` test of event segmentation);
* **novelty** - ``1 -`` the highest cosine similarity between the candidate's key and
  the keys already stored (:meth:`EpisodeStore.nearest`); an empty store makes
  every candidate fully novel (1.0: nothing like it is stored);
* **reward** and **pin** - given by the caller (a user saying "remember this" pins).

``tau`` is fixed, or kept online so that about ``target_per_1k_tokens`` writes
happen per 1,000 stream tokens: the threshold is the quantile of recent scores
that lets that share of candidates through (:class:`WriteGate`). This module
holds no model: the caller measures surprise and passes it in.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Signals:
    """What the gate weighs for one candidate (surprise as a z-score)."""

    surprise: float
    novelty: float
    reward: float = 0.0
    pin: bool = False


@dataclass(frozen=True)
class GateWeights:
    """``alpha .. delta`` of the salience sum. A pin outweighs everything else."""

    surprise: float = 1.0
    novelty: float = 1.0
    reward: float = 1.0
    pin: float = 100.0

    def __post_init__(self) -> None:
        for name in ("surprise", "novelty", "reward", "pin"):
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"gate weight {name} must be a finite number, got {value}")


@dataclass(frozen=True)
class Decision:
    """The gate's verdict, with everything that went into it (logged per candidate)."""

    write: bool
    score: float
    threshold: float
    signals: Signals
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "write": self.write,
            "score": self.score,
            "threshold": self.threshold,
            "surprise": self.signals.surprise,
            "novelty": self.signals.novelty,
            "reward": self.signals.reward,
            "pin": self.signals.pin,
            "reason": self.reason,
        }


class SurpriseWindow:
    """Z-scores of NLL against the last ``size`` candidates' NLLs (0 until two are seen)."""

    def __init__(self, size: int = 64) -> None:
        self._recent: deque[float] = deque(maxlen=size)

    def z(self, nll: float) -> float:
        """``(nll - mu) / sigma`` over the window, then ``nll`` joins the window."""
        recent = list(self._recent)
        self._recent.append(nll)
        if len(recent) < 2:
            return 0.0
        sigma = statistics.pstdev(recent)
        return 0.0 if sigma == 0 else (nll - statistics.fmean(recent)) / sigma


class WriteGate:
    """``S > tau``, with ``tau`` fixed or tracking a target write rate.

    With ``target_per_1k_tokens``, the gate keeps the last ``window`` candidates'
    scores and token counts; the share of candidates to let through is the target
    writes per candidate (``target * mean tokens per candidate / 1000``), and ``tau``
    is the score quantile that passes that share. A pinned candidate is always
    written; a candidate scoring below ``tau`` is not.
    """

    def __init__(
        self,
        weights: GateWeights | None = None,
        threshold: float = 1.0,
        target_per_1k_tokens: float | None = None,
        window: int = 256,
    ) -> None:
        if not math.isfinite(threshold):
            raise ValueError(f"threshold must be a finite number, got {threshold}")
        if target_per_1k_tokens is not None and not target_per_1k_tokens > 0:
            raise ValueError(f"target_per_1k_tokens must be positive, got {target_per_1k_tokens}")
        self.weights = weights or GateWeights()
        self.threshold = threshold
        self.target = target_per_1k_tokens
        self._scores: deque[float] = deque(maxlen=window)
        self._tokens: deque[int] = deque(maxlen=window)

    def score(self, signals: Signals) -> float:
        w = self.weights
        return (
            w.surprise * signals.surprise
            + w.novelty * signals.novelty
            + w.reward * signals.reward
            + w.pin * float(signals.pin)
        )

    def current_threshold(self) -> float:
        """``tau`` now: fixed, or the quantile of recent scores that meets the target rate."""
        if self.target is None or len(self._scores) < 8:
            return self.threshold
        per_candidate = self.target * statistics.fmean(self._tokens) / 1000
        share = min(max(per_candidate, 0.0), 1.0)
        ordered = sorted(self._scores)
        index = min(len(ordered) - 1, max(0, math.ceil((1 - share) * len(ordered)) - 1))
        return ordered[index]

    def decide(self, signals: Signals, tokens: int) -> Decision:
        """Score one candidate of ``tokens`` stream tokens and decide; the candidate then
        joins the window the threshold is tracked over."""
        score = self.score(signals)
        threshold = self.current_threshold()
        self._scores.append(score)
        self._tokens.append(max(tokens, 1))
        if signals.pin:
            return Decision(True, score, threshold, signals, "pinned")
        if score > threshold:
            return Decision(
                True, score, threshold, signals, f"salience {score:.2f} > {threshold:.2f}"
            )
        return Decision(
            False, score, threshold, signals, f"salience {score:.2f} <= {threshold:.2f}"
        )


def decayed_salience(salience: float, age: int, half_life: float) -> float:
    """Salience after ``age`` later writes, halving every ``half_life`` writes (eviction order)."""
    return float(salience * 0.5 ** (age / half_life))
