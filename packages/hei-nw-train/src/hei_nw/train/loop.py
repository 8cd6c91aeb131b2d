"""One training loop for every trainer here: schedule, clipping, checkpoints, resume, logs.

The reader trainer (:mod:`hei_nw.train.trainer`) and consolidation
(:mod:`hei_nw.consolidate.worker`) are two :class:`Objective` s of this loop: each says
what one step's loss is, what its weights are, and what to do after a step (evaluate,
stop early). The loop owns the rest, identically for both:

- AdamW's rate follows linear warm-up, then cosine decay to a tenth of the peak;
- gradients are clipped to ``clip`` before each update;
- a checkpoint (weights, optimizer, schedule, step, log, the objective's own state)
  is written atomically and fsynced every ``checkpoint_every`` steps, when the
  objective asks, and when a bounded call stops early; ``resume`` continues from it;
- each step's log entry is appended to a JSONL file and flushed to disk (a resume
  rewrites it to the checkpoint's steps, so it never holds steps the weights lost).

Everything a step draws is a function of the step number, so a resumed CPU run
continues bit for bit.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import torch
from torch import Tensor
from tqdm.auto import tqdm

from hei_nw.core import append_line_synced, write_atomic, write_text_atomic


def warmup_cosine(
    warmup_steps: int, total_steps: int, floor: float = 0.1
) -> Callable[[int], float]:
    """The rate's factor at a step: linear warm-up to 1, then cosine decay to ``floor``."""

    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return factor


QUIET = ("lr", "elapsed_s")
"""Log fields the progress bar does not show."""


@dataclass
class LoopState:
    """Where a run is: steps done, their log entries, and the objective's own numbers
    (consolidation's best held-out loss, say), all saved in each checkpoint."""

    step: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    stopped_early: bool = False


@dataclass(frozen=True)
class AfterStep:
    """What the objective decided after a step."""

    checkpoint: bool = False  # write a checkpoint now (an epoch ended, say)
    stop: bool = False  # stop training here: the objective has converged


class Objective(Protocol):
    """What one trainer trains, and how one step's loss is computed."""

    def parameters(self) -> list[torch.nn.Parameter]:
        """The trained parameters (clipped together)."""
        ...

    def loss(self, step: int) -> tuple[Tensor, dict[str, Any]]:
        """Step ``step``'s loss (to backpropagate) and the numbers its log entry records."""
        ...

    def weights(self) -> dict[str, Any]:
        """The trained weights, as a checkpoint holds them."""
        ...

    def load_weights(self, weights: dict[str, Any]) -> None: ...

    def after_step(self, step: int, entry: dict[str, Any], state: LoopState) -> AfterStep:
        """Called after each update with its log entry (the objective may add to it)."""
        ...


@dataclass(frozen=True)
class LoopSettings:
    """How long to train and how often to save."""

    total_steps: int
    warmup_steps: int
    clip: float = 1.0
    checkpoint_every: int = 50
    desc: str = "train"


def save_checkpoint(
    path: Path, objective: Objective, optimizer: Any, schedule: Any, state: LoopState
) -> None:
    saved = {
        "step": state.step,
        "weights": objective.weights(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "log": state.log,
        "extra": state.extra,
    }
    write_atomic(path, lambda tmp: torch.save(saved, tmp))


def load_checkpoint(path: Path, objective: Objective, optimizer: Any, schedule: Any) -> LoopState:
    saved = torch.load(path, map_location="cpu", weights_only=False)
    objective.load_weights(saved["weights"])
    optimizer.load_state_dict(saved["optimizer"])
    schedule.load_state_dict(saved["schedule"])
    return LoopState(int(saved["step"]), list(saved["log"]), dict(saved["extra"]))


def run_loop(
    objective: Objective,
    optimizer: torch.optim.Optimizer,
    settings: LoopSettings,
    checkpoint: Path,
    *,
    log_file: Path | None = None,
    resume: bool = False,
    max_steps: int | None = None,
    progress: bool = True,
    backward: Callable[[Tensor], None] = torch.autograd.backward,
    saves: bool = True,
    extra: dict[str, Any] | None = None,
) -> LoopState:
    """Train ``objective`` until ``settings.total_steps``, an early stop, or ``max_steps``
    more steps (then a checkpoint is kept for ``resume``). ``backward`` is where a
    distributed run reduces gradients; ``saves`` is False on its non-main processes."""
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_cosine(settings.warmup_steps, settings.total_steps)
    )
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    state = LoopState(extra=dict(extra or {}))
    if resume and checkpoint.is_file():
        state = load_checkpoint(checkpoint, objective, optimizer, schedule)
        if log_file is not None:  # the log may hold steps after the checkpoint: cut them
            write_text_atomic(log_file, "".join(json.dumps(e) + "\n" for e in state.log))
    total = settings.total_steps
    last = total if max_steps is None else min(total, state.step + max_steps)
    bar = tqdm(total=total, initial=state.step, desc=settings.desc, disable=not progress)
    began = time.monotonic()
    for step in range(state.step, last):
        entry = _update(objective, optimizer, schedule, settings.clip, backward, step)
        entry["elapsed_s"] = time.monotonic() - began
        decision = objective.after_step(step, entry, state)
        state.step, state.stopped_early = step + 1, decision.stop
        state.log.append(entry)
        if log_file is not None and saves:
            append_line_synced(log_file, json.dumps(entry))
        bar.update(1)
        shown = {k: v for k, v in entry.items() if isinstance(v, float) and k not in QUIET}
        bar.set_postfix({k: f"{v:.3f}" for k, v in shown.items()})
        paused = step + 1 == last and last < total
        due = (step + 1) % settings.checkpoint_every == 0 or decision.checkpoint or decision.stop
        if saves and (due or paused):
            save_checkpoint(checkpoint, objective, optimizer, schedule, state)
        if decision.stop:
            break
    bar.close()
    return state


def _update(
    objective: Objective,
    optimizer: torch.optim.Optimizer,
    schedule: Any,
    clip: float,
    backward: Callable[[Tensor], None],
    step: int,
) -> dict[str, Any]:
    """One step: the objective's loss, backward, clip, update, schedule; its log entry."""
    loss, numbers = objective.loss(step)
    backward(loss)
    torch.nn.utils.clip_grad_norm_(objective.parameters(), clip)
    optimizer.step()
    schedule.step()
    optimizer.zero_grad(set_to_none=True)
    return {
        "step": step + 1,
        "loss": float(loss.item()),
        **numbers,
        "lr": schedule.get_last_lr()[0],
    }


def finished(state: LoopState, settings: LoopSettings) -> bool:
    """Whether the run is done (all steps, or stopped early), not merely paused."""
    return state.stopped_early or state.step >= settings.total_steps
