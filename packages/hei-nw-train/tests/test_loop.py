"""The shared training loop and losses, on a toy objective small enough to reason about."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from hei_nw.train.loop import (
    AfterStep,
    LoopSettings,
    LoopState,
    finished,
    run_loop,
    warmup_cosine,
)
from hei_nw.train.losses import cross_entropy, kl_divergence


class LineFit:
    """Fit ``y = 3x - 1`` from a batch drawn by step number (so resuming is exact);
    stops early once the loss is below ``stop_below``."""

    def __init__(self, stop_below: float = -1.0) -> None:
        torch.manual_seed(0)
        self.layer = torch.nn.Linear(1, 1)
        self.stop_below = stop_below

    def parameters(self) -> list[torch.nn.Parameter]:
        return list(self.layer.parameters())

    def weights(self) -> dict[str, Any]:
        return dict(self.layer.state_dict())

    def load_weights(self, weights: dict[str, Any]) -> None:
        self.layer.load_state_dict(weights)

    def loss(self, step: int) -> tuple[torch.Tensor, dict[str, Any]]:
        x = torch.randn(16, 1, generator=torch.Generator().manual_seed(step))
        loss = torch.nn.functional.mse_loss(self.layer(x), 3 * x - 1)
        return loss, {"weight": float(self.layer.weight.item())}

    def after_step(self, step: int, entry: dict[str, Any], state: LoopState) -> AfterStep:
        state.extra["seen"] = state.extra.get("seen", 0) + 1
        return AfterStep(stop=entry["loss"] < self.stop_below)


SETTINGS = LoopSettings(total_steps=40, warmup_steps=5, clip=10.0, checkpoint_every=7)


def _run(folder: Path, **options: Any) -> tuple[LineFit, LoopState]:
    fit = LineFit(options.pop("stop_below", -1.0))
    optimizer = torch.optim.AdamW(fit.parameters(), lr=0.1)
    state = run_loop(
        fit,
        optimizer,
        options.pop("settings", SETTINGS),
        folder / "checkpoint.pt",
        log_file=folder / "log.jsonl",
        progress=False,
        **options,
    )
    return fit, state


def test_the_loop_learns_and_logs_every_step(tmp_path: Path) -> None:
    _, state = _run(tmp_path)
    assert finished(state, SETTINGS) and state.step == 40 and not state.stopped_early
    assert state.log[-1]["loss"] < state.log[0]["loss"] / 10
    lines = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in lines] == list(range(1, 41))
    assert state.extra["seen"] == 40


def test_a_paused_run_resumes_to_the_same_weights_and_log(tmp_path: Path) -> None:
    whole, _ = _run(tmp_path / "whole")
    _, paused = _run(tmp_path / "split", max_steps=17)
    assert paused.step == 17 and not finished(paused, SETTINGS)
    # A killed writer may have logged steps the checkpoint does not hold: resuming cuts them.
    with (tmp_path / "split" / "log.jsonl").open("a") as log:
        log.write(json.dumps({"step": 18, "loss": 0.0}) + "\n")
    resumed, state = _run(tmp_path / "split", resume=True)
    assert state.step == 40 and state.extra["seen"] == 40
    for a, b in zip(whole.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b)
    whole_log = (tmp_path / "whole" / "log.jsonl").read_text().splitlines()
    split_log = (tmp_path / "split" / "log.jsonl").read_text().splitlines()
    assert [json.loads(x)["loss"] for x in split_log] == [json.loads(x)["loss"] for x in whole_log]


def test_an_objective_can_stop_early_and_the_stop_is_saved(tmp_path: Path) -> None:
    _, state = _run(tmp_path, stop_below=1.0)
    assert state.stopped_early and state.step < 40 and finished(state, SETTINGS)
    saved = torch.load(tmp_path / "checkpoint.pt", weights_only=False)
    assert saved["step"] == state.step


def test_the_rate_warms_up_then_decays_to_a_tenth() -> None:
    factor = warmup_cosine(4, 20)
    assert [factor(s) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert factor(12) == pytest.approx(0.1 + 0.9 * 0.5)  # half-way down the cosine
    assert factor(100) == pytest.approx(0.1)


def test_cross_entropy_with_a_mask_equals_it_on_the_kept_positions() -> None:
    logits = torch.randn(2, 5, 7, generator=torch.Generator().manual_seed(1))
    targets = torch.randint(0, 7, (2, 5), generator=torch.Generator().manual_seed(2))
    mask = torch.tensor([[1, 1, 0, 0, 1], [0, 1, 1, 0, 0]], dtype=torch.bool)
    kept = cross_entropy(logits[mask], targets[mask])
    assert torch.allclose(cross_entropy(logits, targets, mask), kept)


def test_kl_is_zero_to_itself_and_positive_otherwise() -> None:
    logits = torch.randn(3, 4, 9, generator=torch.Generator().manual_seed(3))
    assert kl_divergence(logits, logits).abs().item() < 1e-6
    assert kl_divergence(logits, logits.flip(-1)).item() > 0
    mask = torch.zeros(3, 4, dtype=torch.bool)
    mask[0, 0] = True
    other = logits.clone()
    other[1:] = 0.0  # differences outside the mask do not count
    assert kl_divergence(logits, other, mask).abs().item() < 1e-6
