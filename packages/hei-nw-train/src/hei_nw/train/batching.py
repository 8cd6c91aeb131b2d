"""Examples -> padded tensors, and the loss on answer positions only.

Rows are ``prompt + answer + stop`` left-padded, so every row's answer sits at
the end: the model is asked for logits of the last ``K + 1`` positions only
(``logits_to_keep``), where ``K`` is the longest answer plus its stop token -
the vocabulary projection over the prompt would be wasted work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from hei_nw.train.examples import Example
from hei_nw.train.losses import cross_entropy


@dataclass(frozen=True)
class Batch:
    """Model inputs and answer targets for one step."""

    input_ids: Tensor  # (B, T)
    attention_mask: Tensor  # (B, T)
    targets: Tensor  # (B, K): the last K tokens of each row
    target_mask: Tensor  # (B, K): True where the target is an answer or stop token
    memory: list[list[int]]

    @property
    def answer_window(self) -> int:
        """Positions whose logits are needed: K predictions need K + 1 - 1 inputs plus one."""
        return int(self.targets.shape[1]) + 1


def collate(examples: Sequence[Example], stop_id: int, pad_id: int) -> Batch:
    """Left-pad ``prompt + answer + [stop_id]`` rows; targets are answer + stop."""
    rows = [e.prompt_ids + e.answer_ids + [stop_id] for e in examples]
    width = max(len(r) for r in rows)
    K = max(len(e.answer_ids) + 1 for e in examples)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    target_mask = torch.zeros((len(rows), K), dtype=torch.bool)
    for i, (row, example) in enumerate(zip(rows, examples, strict=True)):
        ids[i, width - len(row) :] = torch.tensor(row)
        mask[i, width - len(row) :] = 1
        target_mask[i, K - (len(example.answer_ids) + 1) :] = True
    return Batch(ids, mask, ids[:, -K:].clone(), target_mask, [e.memory_ids for e in examples])


def answer_loss(logits: Tensor, batch: Batch) -> tuple[Tensor, Tensor]:
    """Mean cross-entropy over answer and stop tokens, and per-token accuracy.

    ``logits`` are the model's last ``K + 1`` positions ``(B, K + 1, V)``; position
    ``i`` predicts token ``i + 1``, so the first ``K`` predict the targets.
    """
    predictions = logits[:, :-1].float()  # (B, K, V)
    mask = batch.target_mask.to(predictions.device)
    targets = batch.targets.to(predictions.device)
    loss = cross_entropy(predictions, targets, mask)
    correct = (predictions.argmax(-1) == targets) & mask
    return loss, correct.sum() / mask.sum()
