"""Long-context baseline: the whole run's episodes in one prompt, newest last.

This is the honest memory-less alternative: keep every episode written so far
in the context window. The run's episodes (all targets and distractors) go in
write order (:func:`hei_nw.datasets.write_order`), so an item with lag ``L``
has exactly ``L`` episodes between its target and its question; the oldest are
dropped to fit a token budget, as a context window would drop them. Its compute
footprint grows with the budget, which the reports set beside the other runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from hei_nw.datasets import Record, write_order
from hei_nw.eval.prompts import build_prompt
from hei_nw.eval.results import ItemResult
from hei_nw.eval.runner import GenerationSettings, run_generation
from hei_nw.metrics import ModelGeometry

DEFAULT_CONTEXT_BUDGET = 2048
"""Tokens of episodes kept: a quarter of SmolLM2's 8k window, affordable on a CPU."""


@dataclass(frozen=True)
class RunContext:
    """The shared notes every long-context prompt carries, and what they left out."""

    text: str
    tokens: int
    episodes_kept: int
    episodes_total: int
    kept_ids: frozenset[str]

    def as_dict(self) -> dict[str, int]:
        return {
            "budget_tokens_used": self.tokens,
            "episodes_kept": self.episodes_kept,
            "episodes_total": self.episodes_total,
        }


def run_context(records: Sequence[Record], tokenizer: Any, budget: int) -> RunContext:
    """The newest episodes of the run whose tokens fit in ``budget``, oldest first."""
    if budget <= 0:
        raise ValueError(f"the context budget must be positive, got {budget}")
    episodes = write_order(records)
    kept: list[Record] = []
    used = 0
    for episode in reversed(episodes):
        cost = len(tokenizer(episode["context"] + "\n", add_special_tokens=False)["input_ids"])
        if used + cost > budget:
            break
        kept.append(episode)
        used += cost
    kept.reverse()
    return RunContext(
        text="\n".join(e["context"] for e in kept),
        tokens=used,
        episodes_kept=len(kept),
        episodes_total=len(episodes),
        kept_ids=frozenset(e["id"] for e in kept),
    )


def run_long_context(
    model: Any,
    tokenizer: Any,
    records: Sequence[Record],
    settings: GenerationSettings,
    geometry: ModelGeometry,
    batch_size: int = 1,
    budget: int = DEFAULT_CONTEXT_BUDGET,
) -> tuple[list[ItemResult], RunContext]:
    """Per-item predictions, scores and footprints with the run's notes in every
    prompt; each item says whether its target was still inside the window."""
    context = run_context(records, tokenizer, budget)
    prompts = [build_prompt(r["query"], context.text) for r in records]
    items = run_generation(model, tokenizer, records, prompts, settings, geometry, batch_size)
    return [replace(i, target_in_context=i.id in context.kept_ids) for i in items], context
