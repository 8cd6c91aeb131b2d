"""Surprise: how unexpected a text is to the frozen model, given what came before it.

The write gate's surprise signal (``hei_nw.memory.gate``) is the negative
log-likelihood of a candidate episode's tokens under the base model, conditioned
on the recent stream - measured, never made up.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F


@torch.no_grad()
def token_nll(
    model: Any, tokenizer: Any, text: str, context: str = "", max_context_tokens: int = 256
) -> tuple[float, float]:
    """Mean and max NLL (nats per token) of ``text``'s tokens after the last
    ``max_context_tokens`` tokens of ``context`` (after BOS when there is no context)."""
    ids = list(tokenizer(text, add_special_tokens=False)["input_ids"])
    if not ids:
        raise ValueError("surprise needs a non-empty text")
    before = list(tokenizer(context, add_special_tokens=False)["input_ids"]) if context else []
    before = before[-max_context_tokens:]
    if not before and isinstance(tokenizer.bos_token_id, int):
        before = [tokenizer.bos_token_id]
    row = torch.tensor([before + ids], device=next(model.parameters()).device)
    logits = model(input_ids=row).logits[0, :-1].float()  # (T - 1, V)
    nll = F.cross_entropy(logits, row[0, 1:], reduction="none")[-len(ids) :]  # (n,)
    return float(nll.mean()), float(nll.max())


@torch.no_grad()
def perplexity(model: Any, tokenizer: Any, texts: list[str], max_tokens: int = 256) -> float:
    """Token-weighted perplexity of ``texts`` (each after BOS, cut to ``max_tokens``):
    the drift yardstick - a LoRA that leaves the base intact leaves it unchanged."""
    bos = [tokenizer.bos_token_id] if isinstance(tokenizer.bos_token_id, int) else []
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for text in texts:
        ids = bos + list(tokenizer(text, add_special_tokens=False)["input_ids"])[:max_tokens]
        if len(ids) < 2:
            continue
        row = torch.tensor([ids], device=device)
        logits = model(input_ids=row).logits[0, :-1].float()  # (T - 1, V)
        total += float(F.cross_entropy(logits, row[0, 1:], reduction="sum"))
        count += len(ids) - 1
    if count == 0:
        raise ValueError("perplexity needs at least one non-empty text")
    return float(torch.exp(torch.tensor(total / count)))
