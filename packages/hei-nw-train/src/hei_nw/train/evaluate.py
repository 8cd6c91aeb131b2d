"""Held-out exact match of a reader: greedy generation from memory alone."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from hei_nw.core import READ_RECIPE, ReadRecipe
from hei_nw.metrics import exact_match
from hei_nw.models import MemoryReader, generate_batch
from hei_nw.train.examples import Example


def exact_match_rate(
    model: Any,
    tokenizer: Any,
    reader: MemoryReader | None,
    examples: Sequence[Example],
    batch_size: int = 16,
    recipe: ReadRecipe = READ_RECIPE,
) -> dict[str, Any]:
    """EM overall and by example kind; ``reader`` None is the no-memory floor. Answers
    are generated as ``recipe`` reads (the product's budget and stop)."""
    hits: dict[str, list[float]] = defaultdict(list)
    predictions = []
    was_training = reader.training if reader is not None else False
    if reader is not None:
        reader.eval()
    try:
        for start in range(0, len(examples), batch_size):
            chunk = examples[start : start + batch_size]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # closed gates at step 0
                outputs = generate_batch(
                    [e.prompt for e in chunk],
                    max_new_tokens=recipe.max_new_tokens,
                    stop=list(recipe.stop),
                    mem_tokens=[e.memory_ids for e in chunk] if reader is not None else None,
                    adapter=reader,
                    model=model,
                    tokenizer=tokenizer,
                )
            for example, output in zip(chunk, outputs, strict=True):
                hit = exact_match(output["text"], example.answer)
                hits["all"].append(hit)
                hits[example.kind].append(hit)
                predictions.append(output["text"])
    finally:
        if reader is not None and was_training:
            reader.train()
    rates = {kind: sum(v) / len(v) for kind, v in sorted(hits.items())}
    return {
        "em": rates.get("all", 0.0),
        "by_kind": rates,
        "n": len(examples),
        "predictions": predictions,
    }
