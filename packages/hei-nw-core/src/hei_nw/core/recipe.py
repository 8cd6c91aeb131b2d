"""The one ``ReadRecipe``: how a question is read from memory, wherever it is read.

The API (``Memory``), the harness's B1 runs, training's evaluation and consolidation's
checks all take their reading settings from here, so an answer measured by the harness
is the answer a user gets. Each default names the measurement it comes from; a new
measurement changes it here and nowhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ReadRecipe:
    """Recall, pack and generate: the settings every reader of memory shares."""

    recall_k: int = 1
    """Episodes packed per question. Dev split, scenario A end to end through a store of
    10,200 episodes, held-out question forms, the shipped reader, n = 200
    (scripts/run_defaults_dev.sh; reports/defaults-dev/store-10k-recall-{1,2,4}): strict
    EM 0.740 [0.675, 0.796] with the top recall alone, 0.700 with two, 0.640 with four
    (k = 4 - k = 1: -0.100 [-0.145, -0.060], paired): the reader is misled by runners-up."""
    memory_cap: int = 384
    """Memory tokens read per question when the reader names no budget of its own: four
    packed traces (about 90 tokens each) or one long note. The shipped readers were
    trained at this budget."""
    max_new_tokens: int = 32
    """Answers are short phrases; no answer in scenarios A-E or the notes set is longer
    than 20 tokens, so 32 never cuts one."""
    stop: tuple[str, ...] = ("\n\n",)
    """An answer ends at a blank line."""
    chat: bool = True
    """Prompts go through the tokenizer's chat template: the instruct model and the
    shipped readers were trained that way."""
    reader: str = "default"
    """``"default"``: the shipped reader for the default model; otherwise a saved
    reader's folder."""

    def as_dict(self) -> dict[str, Any]:
        """What reports record."""
        recorded = asdict(self)
        recorded["stop"] = list(self.stop)
        return recorded


READ_RECIPE = ReadRecipe()
"""The measured defaults."""
