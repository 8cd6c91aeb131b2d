"""Long-context baseline: paste the episode and every distractor into one prompt.

This is what a memory-less model must do to answer from past exposures: keep
everything in the context window. Its compute footprint grows with the store,
which the reports set beside the no-memory run.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from hei_nw.datasets import Record
from hei_nw.eval.prompts import build_prompt
from hei_nw.eval.runner import GenerationSettings, run_generation
from hei_nw.metrics import ModelGeometry


def build_context(record: Record) -> str:
    """The record's context together with all its distractors, in a seeded order
    (fixed per record id, so the target is not always first)."""
    passages = [record["context"], *(d["context"] for d in record["distractors"])]
    random.Random(record["id"]).shuffle(passages)
    return "\n".join(passages)


def run_long_context(
    model: Any,
    tokenizer: Any,
    records: Sequence[Record],
    settings: GenerationSettings,
    geometry: ModelGeometry,
    batch_size: int = 1,
) -> list[dict[str, Any]]:
    """Per-item predictions, scores and compute footprints of the long-context prompt."""
    prompts = [build_prompt(r["query"], build_context(r)) for r in records]
    return run_generation(model, tokenizer, records, prompts, settings, geometry, batch_size)
