"""Training a memory reader: a frozen base, the reader, answers from memory alone.

The reader is one objective of the shared loop (:mod:`hei_nw.train.loop`: schedule,
clipping, atomic checkpoints, resume, the JSONL log). ``accelerate``'s
:class:`~accelerate.Accelerator` places tensors, runs bf16 autocast on GPUs (never on
CPU) and, under ``accelerate launch``, averages gradients over processes, each of which
trains on its own slice of the (deterministic) example stream. A resumed CPU run
continues bit for bit, because the batch of step ``s`` is a pure function of
``(seed, s)`` and nothing else is random (dropout is 0).
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from hei_nw.core import git_state, versions, write_json_atomic
from hei_nw.models import MemoryReader, build_memory_reader, forward_with_memory, set_seed
from hei_nw.pack import TEMPLATE
from hei_nw.train.batching import answer_loss, collate
from hei_nw.train.config import TrainConfig
from hei_nw.train.curves import plot_curves
from hei_nw.train.evaluate import exact_match_rate
from hei_nw.train.examples import MAX_TRACE_TOKENS, SCENARIO_MIX
from hei_nw.train.loading import LoadedBase, load_base_for_training
from hei_nw.train.loop import AfterStep, LoopSettings, LoopState, finished, run_loop
from hei_nw.train.sources import SOURCES, SQUAD_SHARE
from hei_nw.train.teacher import teacher_term

CHECKPOINT = "checkpoint.pt"
LOG = "train_log.jsonl"
HELD_OUT_SEED_OFFSET = 10_000
"""Held-out examples use seed + this, and the test vocabulary: never a training row."""


@dataclass(frozen=True)
class TrainResult:
    """Where the reader was saved and what it measured at the end."""

    out: Path
    steps: int
    final_loss: float
    floor_em: float
    held_out: dict[str, Any]


def _is_gate_like(name: str) -> bool:
    """Gates and the cue-match weights: scalars that scale a whole signal, so they
    must move by O(1) within a few hundred steps (own group: gate rate, no decay)."""
    return name.endswith("gate") or name.split(".")[-1].startswith("cue_")


def _optimizer(reader: MemoryReader, config: TrainConfig) -> torch.optim.AdamW:
    gates = [p for n, p in reader.named_parameters() if _is_gate_like(n)]
    others = [p for n, p in reader.named_parameters() if not _is_gate_like(n)]
    return torch.optim.AdamW(
        [
            {"params": others, "lr": config.lr, "weight_decay": config.weight_decay},
            {"params": gates, "lr": config.gate_lr, "weight_decay": 0.0},
        ]
    )


def _build_reader(config: TrainConfig, base: LoadedBase) -> MemoryReader:
    opener = base.tokenizer("<episodic>", add_special_tokens=False)["input_ids"]
    reader = build_memory_reader(
        base.model,
        **config.reader_options(),
        stop_token_id=base.stop_id,
        trace_opener_ids=tuple(opener),
        base_model=base.model_id,
        base_revision=base.revision,
        packer_template_hash=_template_hash(),
        max_mem_tokens=MAX_TRACE_TOKENS * 4,
    )
    return reader.float().train()


def _template_hash() -> str:
    import hashlib

    return hashlib.sha256(TEMPLATE.encode()).hexdigest()[:16]


class ReaderObjective:
    """The reader's step for :func:`~hei_nw.train.loop.run_loop`: the deterministic batch of
    step ``s``, the answer-only loss plus the optional KL to the in-context teacher, and a
    held-out exact-match check every ``eval_every`` steps."""

    def __init__(
        self, config: TrainConfig, base: LoadedBase, reader: MemoryReader, accelerator: Any
    ) -> None:
        self.config, self.base, self.reader, self.accelerator = config, base, reader, accelerator
        self.source = SOURCES[config.task]
        # Training evaluates on dev, never on test (test is for release figures only).
        seed = config.seed + HELD_OUT_SEED_OFFSET
        self.held_out = self.source(base.tokenizer, "dev", seed, 0, config.eval_n)

    def parameters(self) -> list[torch.nn.Parameter]:
        return list(self.reader.parameters())

    def weights(self) -> dict[str, Any]:
        return dict(self.reader.state_dict())

    def load_weights(self, weights: dict[str, Any]) -> None:
        self.reader.load_state_dict(weights)

    def loss(self, step: int) -> tuple[torch.Tensor, dict[str, Any]]:
        config, base, accelerator = self.config, self.base, self.accelerator
        shard = config.batch_size * accelerator.num_processes
        first = step * shard + accelerator.process_index * config.batch_size
        examples = self.source(base.tokenizer, "train", config.seed, first, config.batch_size)
        batch = collate(examples, base.stop_id, base.pad_id)
        with accelerator.autocast():
            output = forward_with_memory(
                base.model,
                self.reader,
                batch.input_ids.to(accelerator.device),
                batch.attention_mask.to(accelerator.device),
                batch.memory,
                base.pad_id,
                cue_ids=[e.prompt_ids for e in examples],
                logits_to_keep=batch.answer_window,
            )
            loss, accuracy = answer_loss(output.logits, batch)
            kl = teacher_term(config.kl_weight, base, examples, output.logits, accelerator.device)
            if kl is not None:
                loss = loss + config.kl_weight * kl
        numbers: dict[str, Any] = {"token_accuracy": float(accuracy.item())}
        if kl is not None:
            numbers["kl_to_teacher"] = float(kl.item())
        return loss, {**numbers, "gates": self.reader.gates()}

    def backward(self, loss: torch.Tensor) -> None:
        """``accelerate``'s backward; under ``accelerate launch``, gradients averaged."""
        self.accelerator.backward(loss)
        if self.accelerator.num_processes > 1:
            for parameter in self.reader.parameters():
                if parameter.grad is not None:
                    parameter.grad = self.accelerator.reduce(parameter.grad, reduction="mean")

    def after_step(self, step: int, entry: dict[str, Any], state: LoopState) -> AfterStep:
        if (step + 1) % self.config.eval_every == 0 or step + 1 == self.config.steps:
            result = exact_match_rate(
                self.base.model, self.base.tokenizer, self.reader, self.held_out
            )
            entry["held_out_em"] = result["em"]
            entry["held_out_by_kind"] = result["by_kind"]
        return AfterStep()


def train(
    config: TrainConfig, resume: bool = False, quiet: bool = False, stop_after: int | None = None
) -> TrainResult | None:
    """Train a reader as ``config`` says; the result folder is a saved reader.

    ``stop_after`` ends this call after that many steps with a checkpoint (a long
    run split over sessions; ``resume`` continues it) and returns None.
    """
    from accelerate import Accelerator

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    cpu = config.device == "cpu" or (config.device is None and not torch.cuda.is_available())
    accelerator = Accelerator(cpu=cpu, mixed_precision="no" if cpu else config.mixed_precision)
    set_seed(config.seed)
    base = load_base_for_training(config, accelerator.device)
    reader = _build_reader(config, base).to(accelerator.device)
    objective = ReaderObjective(config, base, reader, accelerator)
    # The code that trains is the code at the start: edits made while a long run
    # goes on must not be recorded as its provenance.
    git = git_state()
    floor = exact_match_rate(base.model, base.tokenizer, None, objective.held_out)["em"]
    settings = LoopSettings(config.steps, config.warmup_steps, config.clip, config.checkpoint_every)
    state = run_loop(
        objective,
        _optimizer(reader, config),
        settings,
        out / CHECKPOINT,
        log_file=out / LOG,
        resume=resume,
        max_steps=stop_after,
        progress=not quiet and accelerator.is_main_process,
        backward=objective.backward,
        saves=accelerator.is_main_process,
    )
    if not finished(state, settings):
        return None
    return _finish(config, base, reader, objective.held_out, floor, state.log, out, git)


def _finish(
    config: TrainConfig,
    base: LoadedBase,
    reader: MemoryReader,
    held_out: list[Any],
    floor: float,
    log: list[dict[str, Any]],
    out: Path,
    git: dict[str, Any],
) -> TrainResult:
    last = log[-1] if log else {}
    if "held_out_em" in last:  # the last step was just evaluated: do not generate twice
        final = {"n": len(held_out), "em": last["held_out_em"], "by_kind": last["held_out_by_kind"]}
    else:
        final = exact_match_rate(base.model, base.tokenizer, reader, held_out)
    record: dict[str, Any] = {
        "command": shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "config": config.as_dict(),
        "git": git,
        "versions": {**versions(), "git": git},
        "data": {
            "task": config.task,
            "train_split": "train",
            "held_out_split": "dev",
            "scenario_mix": SCENARIO_MIX,
            **({"squad_share": SQUAD_SHARE} if config.task == "mixed" else {}),
            "negatives_per_example": "0-3, uniform",
            "held_out_seed": config.seed + HELD_OUT_SEED_OFFSET,
        },
        "steps": len(log),
        "final_loss": log[-1]["loss"] if log else None,
        "held_out": {
            "n": final["n"],
            "em": final["em"],
            "by_kind": final["by_kind"],
            "floor_em": floor,
        },
    }
    reader.save_pretrained(out, training=record)
    plot_curves(log, out / "training_curves.png", title=f"{config.task} · {base.model_id}")
    write_json_atomic(out / "training_record.json", record)
    return TrainResult(
        out, len(log), record["final_loss"] or float("nan"), floor, record["held_out"]
    )
