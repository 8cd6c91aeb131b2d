"""Replay and consolidation: stored episodes trained into LoRA weights on the frozen base.

``consolidate(model, tokenizer, episodes, out, ConsolidationConfig())`` turns
episodes into rows (``rows.py``), orders them (``schedule.py``), trains a LoRA
with a drift guard (``worker.py``) and saves it with PEFT plus its record
(``lora.py``); ``load_lora`` puts it back on a base (B2/B3). ``consolidate_cycles``
repeats that as episodes keep arriving, replaying old ones (``cycles.py``)."""

from hei_nw.consolidate.cycles import consolidate_cycles, cycle_folder
from hei_nw.consolidate.drift import DRIFT_LIMIT, Drift, perplexity_drift
from hei_nw.consolidate.lora import (
    LoraError,
    LoraSettings,
    attach_lora,
    base_signature,
    load_lora,
    load_lora_weights,
    read_record,
    save_lora,
)
from hei_nw.consolidate.rows import (
    FORMS,
    UNKNOWN,
    Row,
    check_questions,
    episode_rows,
    held_out_rows,
    is_unknown,
    qa_rows,
    reading_rows,
    unknown_rows,
)
from hei_nw.consolidate.schedule import ORDERS, QueuedEpisode, ReplayQueue, Scheduler
from hei_nw.consolidate.worker import (
    CHECKPOINT,
    ConsolidationConfig,
    ConsolidationError,
    consolidate,
    make_plan,
)

__all__ = [
    "CHECKPOINT",
    "DRIFT_LIMIT",
    "FORMS",
    "ORDERS",
    "UNKNOWN",
    "ConsolidationConfig",
    "ConsolidationError",
    "Drift",
    "LoraError",
    "LoraSettings",
    "QueuedEpisode",
    "ReplayQueue",
    "Row",
    "Scheduler",
    "attach_lora",
    "base_signature",
    "check_questions",
    "consolidate",
    "consolidate_cycles",
    "cycle_folder",
    "episode_rows",
    "held_out_rows",
    "is_unknown",
    "load_lora",
    "load_lora_weights",
    "make_plan",
    "perplexity_drift",
    "qa_rows",
    "read_record",
    "reading_rows",
    "save_lora",
    "unknown_rows",
]
