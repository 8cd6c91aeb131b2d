"""Rows -> token ids -> padded batches, and the two losses consolidation uses (written
once, in :mod:`hei_nw.train.losses`).

A prompt row is the chat-formatted user turn (the same encoding the evaluation
prompts get) followed by the target and the stop token; the loss is on the
target and stop only. A text row (``lm``, ``generic``) is the text itself after
BOS; the loss is on every token. Rows are right-padded: positions past a row's
end are masked out of both losses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from hei_nw.consolidate.rows import Row
from hei_nw.models.generation import encode_prompt
from hei_nw.train.losses import cross_entropy, kl_divergence


@dataclass(frozen=True)
class EncodedRow:
    ids: list[int]
    loss_from: int  # first position whose token is a target


@dataclass(frozen=True)
class RowBatch:
    input_ids: Tensor  # (B, T)
    attention_mask: Tensor  # (B, T)
    loss_mask: Tensor  # (B, T - 1): True where position t predicts a target token t + 1


def encode_row(row: Row, tokenizer: Any, stop_id: int, max_tokens: int) -> EncodedRow:
    """Token ids of ``row`` (cut to ``max_tokens``) and where its targets start."""
    target = list(tokenizer(row.target, add_special_tokens=False)["input_ids"])
    if row.prompt:
        prompt = encode_prompt(tokenizer, row.prompt, chat=True)
        ids = (prompt + target + [stop_id])[-max_tokens:]
        return EncodedRow(ids, max(1, len(ids) - len(target) - 1))
    bos = tokenizer.bos_token_id
    ids = ([bos] if isinstance(bos, int) else []) + target
    return EncodedRow(ids[:max_tokens], 1)


def collate_rows(rows: Sequence[EncodedRow], pad_id: int) -> RowBatch:
    width = max(len(r.ids) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    loss_mask = torch.zeros((len(rows), width - 1), dtype=torch.bool)
    for i, row in enumerate(rows):
        ids[i, : len(row.ids)] = torch.tensor(row.ids)
        attention[i, : len(row.ids)] = 1
        loss_mask[i, row.loss_from - 1 : len(row.ids) - 1] = True
    return RowBatch(ids, attention, loss_mask)


def target_logits(model: Any, batch: RowBatch) -> Tensor:
    """Logits at target positions only, ``(N, V)``: the decoder runs over every
    token, but the vocabulary projection - a large share of a small model's
    compute - only where a loss is taken."""
    host = model.get_base_model() if hasattr(model, "get_base_model") else model
    device = next(host.parameters()).device
    decoder = getattr(host, host.base_model_prefix)
    hidden = decoder(
        input_ids=batch.input_ids.to(device), attention_mask=batch.attention_mask.to(device)
    ).last_hidden_state[:, :-1]  # (B, T - 1, C)
    picked = hidden[batch.loss_mask.to(device)]  # (N, C)
    logits: Tensor = host.get_output_embeddings()(picked)
    return logits.float()  # (N, V)


def targets_of(batch: RowBatch) -> Tensor:
    """The target tokens, in the order :func:`target_logits` returns positions: (N,)."""
    return batch.input_ids[:, 1:][batch.loss_mask]


def target_loss(logits: Tensor, batch: RowBatch) -> Tensor:
    """Mean cross-entropy over target positions (``logits`` from :func:`target_logits`)."""
    return cross_entropy(logits, targets_of(batch).to(logits.device))


def generic_term(
    model: Any,
    generic: Sequence[EncodedRow],
    step: int,
    per_step: int,
    kl_weight: float,
    pad: int,
) -> Tensor:
    """KL to the base (or, with ``kl_weight`` 0, plain LM loss) on step ``step``'s
    ``per_step`` generic rows (the same model with its adapter disabled is the base)."""
    if not generic or per_step <= 0:
        return torch.zeros(())
    start = step * per_step
    rows = [generic[(start + i) % len(generic)] for i in range(per_step)]
    batch = collate_rows(rows, pad)
    logits = target_logits(model, batch)
    if kl_weight <= 0:
        return target_loss(logits, batch)
    with torch.no_grad(), model.disable_adapter():
        base = target_logits(model, batch)
    return kl_weight * kl_divergence(base, logits)  # how far the LoRA moved the base


@torch.no_grad()
def held_out_loss(model: Any, rows: Sequence[EncodedRow], pad: int, limit: int = 128) -> float:
    """Mean target loss over the first ``limit`` held-out rows (early stopping's signal)."""
    chosen = list(rows)[:limit]
    if not chosen:
        return 0.0
    losses = [
        float(target_loss(target_logits(model, batch), batch))
        for batch in (collate_rows(chosen[i : i + 32], pad) for i in range(0, len(chosen), 32))
    ]
    return sum(losses) / len(losses)
