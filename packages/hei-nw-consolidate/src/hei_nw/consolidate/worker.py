"""The consolidation worker: stored episodes -> rows -> a few epochs of LoRA training.

One call of :func:`consolidate` is one replay cycle over the episodes it is given:
rows from each episode (``rows.py``) in the scheduler's order (``schedule.py``),
each step's batch followed by a few rows of generic real text that hold the
LoRA near the base (a KL term to the frozen base - the same model with the
adapter disabled - or, with ``kl_weight=0``, plain language-model rows). After
each epoch the loss on the held-out wording decides whether to go on. A
checkpoint is written every ``checkpoint_every`` steps and at each epoch's end
(atomically); a killed run resumes from it. The plan of batches is a pure
function of the episodes, the generic texts and the seed, so resuming needs
only the step number.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from peft import PeftModel, get_peft_model_state_dict, set_peft_model_state_dict

from hei_nw.consolidate.encoding import (
    EncodedRow,
    collate_rows,
    encode_row,
    generic_term,
    held_out_loss,
    target_logits,
    target_loss,
)
from hei_nw.consolidate.lora import LoraSettings, attach_lora, load_lora_weights, save_lora
from hei_nw.consolidate.rows import (
    Row,
    episode_rows,
    held_out_rows,
    lm_row,
    reading_rows,
    unknown_rows,
)
from hei_nw.consolidate.schedule import QueuedEpisode, Scheduler
from hei_nw.memory import Episode
from hei_nw.train.loop import AfterStep, LoopSettings, LoopState, finished, run_loop

CHECKPOINT = "checkpoint.pt"


class ConsolidationError(ValueError):
    """Consolidation cannot start; the message is one line for users."""


@dataclass(frozen=True)
class ConsolidationConfig:
    """Defaults sized for the CPU recipe (100 episodes in about 20 minutes on 2 cores):
    3 epochs at a peak lr of 2e-3 (the H100 trial: 10 epochs at 1e-3); batch 16 rows;
    4 trained wordings per slot (1 gave closed-book recall near 0 in that trial); 1
    counterfactual reading row per episode and 2 generic rows of at most 96 tokens
    per step under a KL weight of 1, to keep in-prompt reading and real-text
    perplexity near the base; no ``unknown`` rows (measured at 4 per episode, they cut
    invented knowledge from 0.77 to 0.15 but cost in-prompt reading: a choice for the
    user); stop after ``patience`` epochs without improvement on the held-out wording."""

    epochs: int = 3
    lr: float = 2e-3
    batch_size: int = 16
    forms: int = 4
    reading_per_episode: int = 1
    unknown_per_episode: int = 0
    generic_per_step: int = 2
    kl_weight: float = 1.0
    max_tokens: int = 160
    generic_tokens: int = 96
    warmup_steps: int = 10
    patience: int = 1
    checkpoint_every: int = 50
    order: str = "priority"
    seed: int = 0
    lora: LoraSettings = field(default_factory=LoraSettings)


@dataclass(frozen=True)
class Plan:
    """Every step's episode rows (indices into ``rows``), and which steps end an epoch."""

    rows: list[EncodedRow]
    steps: list[list[int]]
    epoch_ends: set[int]
    generic: list[EncodedRow]
    held_out: list[EncodedRow]
    counts: dict[str, int]


def make_plan(
    episodes: Sequence[Episode],
    generic_texts: Sequence[str],
    tokenizer: Any,
    config: ConsolidationConfig,
) -> Plan:
    if not episodes:
        raise ConsolidationError("no episodes to consolidate: the store is empty")
    stop = int(tokenizer.eos_token_id)
    by_episode: dict[str, list[Row]] = {
        e.id: episode_rows(e.id, e.trace, e.text, config.forms) for e in episodes
    }
    traces = [(e.id, e.trace) for e in episodes]
    for row in reading_rows(traces, config.reading_per_episode, config.seed) + unknown_rows(
        traces, config.unknown_per_episode, config.seed
    ):
        by_episode[row.episode_id].append(row)
    rows: list[EncodedRow] = []
    index: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    for eid, episode_rows_ in by_episode.items():
        for row in episode_rows_:
            index.setdefault(eid, []).append(len(rows))
            rows.append(encode_row(row, tokenizer, stop, config.max_tokens))
            counts[row.kind] = counts.get(row.kind, 0) + 1
    queued = [
        QueuedEpisode(
            e.id,
            written,
            float(e.meta.get("salience", 0.0) or 0.0),
            frozenset(t for i in index[e.id] for t in rows[i].ids[rows[i].loss_from :]),
        )
        for written, e in enumerate(episodes)
    ]
    scheduler = Scheduler(order=config.order, seed=config.seed)
    steps: list[list[int]] = []
    epoch_ends: set[int] = set()
    for epoch in range(config.epochs):
        rng = random.Random(f"hei-nw/consolidate/{config.seed}/{epoch}")
        sequence: list[int] = []
        for item in scheduler.arrange(queued, cycle=epoch):
            own = list(index[item.episode_id])
            rng.shuffle(own)
            sequence += own
        steps += _batches(sequence, [len(r.ids) for r in rows], config.batch_size)
        epoch_ends.add(len(steps) - 1)
    generic = [
        encode_row(lm_row("", t), tokenizer, stop, config.generic_tokens) for t in generic_texts
    ]
    held_out = [
        encode_row(r, tokenizer, stop, config.max_tokens)
        for e in episodes
        for r in held_out_rows(e.id, e.trace)
    ]
    counts["generic"] = len(generic)
    return Plan(rows, steps, epoch_ends, generic, held_out, counts)


def _batches(
    sequence: list[int], lengths: list[int], size: int, window: int = 4
) -> list[list[int]]:
    """Consecutive batches of ``size``; within each run of ``window`` batches the rows
    are sorted by length, so a batch pads to similar rows (about a fifth less
    compute here) while the replay order holds at the scale of a few batches."""
    out: list[list[int]] = []
    for start in range(0, len(sequence), size * window):
        chunk = sorted(sequence[start : start + size * window], key=lengths.__getitem__)
        out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    return out


class ReplayObjective:
    """One replay cycle for :func:`~hei_nw.train.loop.run_loop`: each step's episode rows
    (answer-only cross-entropy) plus the generic rows' drift term, and the held-out
    wording's loss at each epoch's end, which decides whether to go on."""

    def __init__(self, model: PeftModel, plan: Plan, config: ConsolidationConfig, pad: int) -> None:
        self.model, self.plan, self.config, self.pad = model, plan, config, pad

    def parameters(self) -> list[torch.nn.Parameter]:
        return [p for p in self.model.parameters() if p.requires_grad]

    def weights(self) -> dict[str, Any]:
        return dict(get_peft_model_state_dict(self.model))

    def load_weights(self, weights: dict[str, Any]) -> None:
        set_peft_model_state_dict(self.model, weights)

    def loss(self, step: int) -> tuple[torch.Tensor, dict[str, Any]]:
        batch = collate_rows([self.plan.rows[i] for i in self.plan.steps[step]], self.pad)
        loss = target_loss(target_logits(self.model, batch), batch)
        config = self.config
        drift = generic_term(
            self.model, self.plan.generic, step, config.generic_per_step, config.kl_weight, self.pad
        )
        return loss + drift, {"target_loss": float(loss.item()), "drift": float(drift.item())}

    def after_step(self, step: int, entry: dict[str, Any], state: LoopState) -> AfterStep:
        if step not in self.plan.epoch_ends:
            return AfterStep()
        held = held_out_loss(self.model, self.plan.held_out, self.pad)
        extra = state.extra
        extra["held_out"].append(round(held, 4))
        extra["stale"] = 0 if held < extra["best"] - 1e-3 else extra["stale"] + 1
        extra["best"] = min(extra["best"], held)
        return AfterStep(checkpoint=True, stop=extra["stale"] > self.config.patience)


def consolidate(
    model: Any,
    tokenizer: Any,
    episodes: Sequence[Episode],
    out: str | Path,
    config: ConsolidationConfig,
    generic_texts: Sequence[str] = (),
    record: dict[str, Any] | None = None,
    resume: bool = False,
    progress: bool = True,
    max_steps: int | None = None,
    initial: str | Path | None = None,
) -> tuple[PeftModel, dict[str, Any]]:
    """Train a LoRA on ``model`` from ``episodes``; save it in ``out``; return it and its record.

    ``initial`` is a saved LoRA folder to start from (the previous replay cycle's) instead
    of a fresh, zero update; its settings must match ``config.lora``.

    ``max_steps`` bounds this call's work (a worker with a time budget): when the
    plan is not finished by then, the checkpoint is kept, nothing is saved as
    final, and the record says ``"finished": false`` - call again with ``resume``."""
    out = Path(out)
    plan = make_plan(episodes, generic_texts, tokenizer, config)
    torch.manual_seed(config.seed)
    peft_model = attach_lora(model, config.lora)
    if initial is not None:
        load_lora_weights(peft_model, initial)
    pad = int(
        tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    )
    objective = ReplayObjective(peft_model, plan, config, pad)
    optimizer = torch.optim.AdamW(objective.parameters(), lr=config.lr, weight_decay=0.0)
    total = len(plan.steps)
    settings = LoopSettings(total, config.warmup_steps, 1.0, config.checkpoint_every, "consolidate")
    started = time.perf_counter()
    peft_model.train()
    state = run_loop(
        objective,
        optimizer,
        settings,
        out / CHECKPOINT,
        resume=resume,
        max_steps=max_steps,
        progress=progress,
        extra={"held_out": [], "best": math.inf, "stale": 0},
    )
    peft_model.eval()
    if not finished(state, settings):  # bounded by max_steps: resume later
        return peft_model, {"finished": False, "steps": state.step, "planned_steps": total}
    full_record = {
        **(record or {}),
        **_outcome(episodes, plan, state, initial),
        "train_seconds": round(time.perf_counter() - started, 1),
        "config": {**asdict(config), "lora": asdict(config.lora)},
    }
    save_lora(peft_model, out, full_record)
    (out / CHECKPOINT).unlink(missing_ok=True)
    return peft_model, full_record


def _outcome(
    episodes: Sequence[Episode], plan: Plan, state: LoopState, initial: str | Path | None
) -> dict[str, Any]:
    """What a finished replay cycle records: its episodes, rows, steps and losses."""
    return {
        "episodes": [e.id for e in episodes],
        "rows": plan.counts,
        "steps": state.step,
        "planned_steps": len(plan.steps),
        "finished": True,
        "stopped_early": state.stopped_early,
        "initial": None if initial is None else str(initial),
        "loss": [[round(e["target_loss"], 4), round(e["drift"], 4)] for e in state.log],
        "held_out_loss": state.extra["held_out"],
    }
