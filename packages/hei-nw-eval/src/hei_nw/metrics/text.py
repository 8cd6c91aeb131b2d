"""Answer-matching metrics for short answers.

``exact_match`` is strict; the others normalise SQuAD-style (lower case, strip
punctuation and the articles a/an/the, collapse whitespace) because small
instruct models answer in sentences and with varied casing.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation) | {"“", "”", "‘", "’", "«", "»", "…", "–", "—"}


def normalize_answer(text: str) -> str:
    """Lower-case, NFC, drop punctuation and articles, collapse whitespace."""
    text = unicodedata.normalize("NFC", text).lower()
    text = "".join(" " if ch in _PUNCTUATION else ch for ch in text)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the stripped strings are identical, else 0.0."""
    return float(prediction.strip() == gold.strip())


def relaxed_exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are identical."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str, gold: str) -> float:
    """Harmonic mean of token precision and recall after normalisation.

    Two empty answers score 1.0; one empty answer scores 0.0.
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
    "em": exact_match,
    "relaxed_em": relaxed_exact_match,
    "f1": token_f1,
    "contains": contains_answer,
}
"""Per-item answer metrics, by the names reports use."""
