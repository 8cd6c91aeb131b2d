"""The drift check: does real text the LoRA never saw read as it did on the base?

Perplexity with the LoRA over perplexity with it disabled - the same model, so
the ratio is exactly 1 for a LoRA that changed nothing. The goal is a ratio of
at most :data:`DRIFT_LIMIT` (+2%).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from peft import PeftModel

from hei_nw.models import perplexity

DRIFT_LIMIT = 1.02


@dataclass(frozen=True)
class Drift:
    lora: float
    base: float
    texts: int

    @property
    def ratio(self) -> float:
        return self.lora / self.base

    @property
    def within_limit(self) -> bool:
        return self.ratio <= DRIFT_LIMIT

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "limit": DRIFT_LIMIT, "ok": self.within_limit}


def perplexity_drift(model: PeftModel, tokenizer: Any, texts: Sequence[str]) -> Drift:
    """Perplexity of ``texts`` with the LoRA and with it disabled."""
    with_lora = perplexity(model, tokenizer, list(texts))
    with model.disable_adapter():
        base = perplexity(model, tokenizer, list(texts))
    return Drift(with_lora, base, len(texts))
