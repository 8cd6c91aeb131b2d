"""Generic text for consolidation's drift guard, made by the base model itself.

Replay trains a LoRA on a memory's episodes and, beside them, holds the LoRA's
predictions near the frozen base's on generic text (a KL term). The research runs
take that text from SQuAD-Shifts; a user's machine may hold no dataset, so the
product uses the base's own greedy continuations of neutral openers (written here):
real prose in the base's own distribution, the same every run, no download.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hei_nw.models import generate_batch

if TYPE_CHECKING:
    from hei_nw.api.engine import Engine

OPENERS = (
    "The history of the old harbour town begins",
    "Scientists who study deep ocean currents have found",
    "In most kitchens, a simple bread recipe calls for",
    "The committee met on Tuesday evening to discuss",
    "Many birds build their nests in early spring, when",
    "The river runs north through the valley and",
    "When the night train finally reached the station,",
    "Doctors agree that a regular sleep schedule",
    "The museum's new exhibition of printed maps shows",
    "Farmers on the high plains mostly grow",
    "The first electronic computers filled whole rooms and",
    "During the long winter months, the village",
    "The novel follows a young teacher who moves to",
    "Engineers designed the suspension bridge to",
    "Folk music in the region has always been",
    "The market opens early on Saturday mornings, and",
)
"""Sixteen openers across everyday topics; each is continued greedily."""
CONTINUATION_TOKENS = 64
"""New tokens per opener: the worker cuts generic rows at 96 tokens."""


def base_prose(engine: Engine) -> list[str]:
    """Each opener and the base model's greedy continuation of it (no memory, no LoRA)."""
    generations = generate_batch(
        list(OPENERS),
        max_new_tokens=CONTINUATION_TOKENS,
        model=engine.loaded.model,
        tokenizer=engine.tokenizer,
        chat=False,
    )
    return [
        f"{opener} {g['text'].strip()}".strip()
        for opener, g in zip(OPENERS, generations, strict=True)
    ]
