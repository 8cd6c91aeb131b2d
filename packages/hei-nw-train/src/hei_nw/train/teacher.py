"""The in-context teacher: the frozen base with the memory's text in its prompt.

The reader answers from memory tokens; the same model with that memory written
into its prompt as notes already copies through its own attention. An optional
KL term pulls the reader's answer distribution towards the teacher's (xRAG and
CEPE train their readers this way).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import torch
from torch import Tensor

from hei_nw.models import encode_prompt
from hei_nw.models.prompts import build_prompt
from hei_nw.train.batching import Batch, collate
from hei_nw.train.examples import Example
from hei_nw.train.loading import LoadedBase
from hei_nw.train.losses import kl_divergence


def teacher_view(tokenizer: Any, examples: Sequence[Example], chat: bool = True) -> list[Example]:
    """The same examples as the in-context teacher sees them: the memory's text in
    the prompt as notes, no memory tokens (for the optional KL term)."""
    return [
        replace(
            e,
            prompt_ids=encode_prompt(
                tokenizer, build_prompt(e.query, tokenizer.decode(e.memory_ids)), chat
            ),
            memory_ids=[],
        )
        for e in examples
    ]


def teacher_kl(student_logits: Tensor, teacher_logits: Tensor, batch: Batch) -> Tensor:
    """Mean KL(teacher || student) over answer and stop positions.

    Both are ``(B, K + 1, V)`` logits of rows that end in the same answer and
    stop tokens (left padding aligns them), so position ``i`` of each predicts
    the same target.
    """
    mask = batch.target_mask.to(student_logits.device)
    return kl_divergence(teacher_logits[:, :-1], student_logits[:, :-1], mask)  # over (B, K)


def teacher_term(
    weight: float,
    base: LoadedBase,
    examples: list[Example],
    student_logits: torch.Tensor,
    device: torch.device,
) -> torch.Tensor | None:
    """KL to the in-context teacher on answer tokens; None when ``weight`` is 0 (off)."""
    if weight <= 0:
        return None
    teacher = collate(teacher_view(base.tokenizer, examples), base.stop_id, base.pad_id)
    with torch.no_grad():
        teacher_logits = base.model(
            input_ids=teacher.input_ids.to(device),
            attention_mask=teacher.attention_mask.to(device),
            logits_to_keep=teacher.answer_window,
        ).logits
    return teacher_kl(student_logits, teacher_logits, teacher)
