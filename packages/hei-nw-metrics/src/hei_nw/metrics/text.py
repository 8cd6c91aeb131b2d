"""Answer-matching metrics for short answers.

``exact_match`` is strict (reported as ``strict_em``: the stripped strings must be
equal, case and articles included). ``squad_em`` (:func:`relaxed_exact_match`: SQuAD's
own exact match), ``f1`` and ``contains`` normalise exactly as the SQuAD evaluation
script does (lower case, delete ASCII
punctuation, drop the articles a/an/the, collapse whitespace), so "2024-07-25"
is one token, as it is in SQuAD. ``loose_em`` is our extra, separately named:
Unicode NFC, typographic quotes and dashes too, and punctuation becomes a space
("Café-Lumen" equals "café lumen"), because small instruct models answer in
sentences with varied punctuation.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Any

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_SQUAD_PUNCTUATION = frozenset(string.punctuation)
_LOOSE_PUNCTUATION = _SQUAD_PUNCTUATION | {"“", "”", "‘", "’", "«", "»", "…", "–", "—"}


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower case, delete punctuation, drop articles, collapse spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _SQUAD_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def normalize_answer_loose(text: str) -> str:
    """Ours: NFC, lower case, typographic punctuation too, punctuation becomes a space."""
    text = unicodedata.normalize("NFC", text).lower()
    text = "".join(" " if ch in _LOOSE_PUNCTUATION else ch for ch in text)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the stripped strings are identical, else 0.0."""
    return float(prediction.strip() == gold.strip())


def relaxed_exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are identical."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def loose_exact_match(prediction: str, gold: str) -> float:
    """1.0 when the loosely normalised strings are identical (:func:`normalize_answer_loose`)."""
    return float(normalize_answer_loose(prediction) == normalize_answer_loose(gold))


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD's token F1: harmonic mean of token precision and recall after normalisation.

    As in SQuAD 2.0, two empty answers score 1.0 and one empty answer 0.0.
    """
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    if not pred_tokens or not gold_tokens:
        return float(pred_tokens == gold_tokens)
    common = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if common == 0:
        return 0.0
    precision = common / len(pred_tokens)
    recall = common / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def contains_answer(prediction: str, gold: str) -> float:
    """1.0 when the normalised gold appears, on word boundaries, in the normalised prediction."""
    gold_norm = normalize_answer(gold)
    if not gold_norm:
        return 0.0
    return float(f" {gold_norm} " in f" {normalize_answer(prediction)} ")


def recall_at_k(candidates: Sequence[str], gold: str | Sequence[str], k: int) -> float:
    """1.0 when any gold id is among the first ``k`` candidates."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    golds = {gold} if isinstance(gold, str) else set(gold)
    return float(any(c in golds for c in candidates[:k]))


METRICS = {
    "strict_em": exact_match,
    "squad_em": relaxed_exact_match,
    "loose_em": loose_exact_match,
    "f1": token_f1,
    "contains": contains_answer,
}
"""Per-item answer metrics, by the names reports use."""

FORMER_NAMES = {"em": "strict_em", "relaxed_em": "squad_em"}
"""What reports written before the rename called two metrics (``em`` was the strict one,
though tables called it "SQuAD EM")."""


def with_current_names(data: Any) -> Any:
    """``data`` (a report, or any part of one) with every metric key under its current
    name: committed reports from before the rename read like new ones."""
    if isinstance(data, dict):
        return {FORMER_NAMES.get(k, k): with_current_names(v) for k, v in data.items()}
    if isinstance(data, list):
        return [with_current_names(v) for v in data]
    return data
