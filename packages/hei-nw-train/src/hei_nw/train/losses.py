"""The two losses every trainer here uses, written once.

Reader training (answers from memory) and consolidation (episodes into a LoRA) both
take a next-token cross-entropy on target positions only, and both hold the trained
weights near a reference with a KL term: the reader towards the in-context teacher,
the LoRA towards the base with its adapter disabled.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def cross_entropy(logits: Tensor, targets: Tensor, mask: Tensor | None = None) -> Tensor:
    """Mean cross-entropy of ``targets`` under ``logits`` over the positions ``mask`` keeps.

    ``logits`` ``(..., V)``; ``targets`` and ``mask`` ``(...)``. ``mask`` None takes
    every position (logits already gathered at the targets).
    """
    vocab = logits.shape[-1]
    losses = F.cross_entropy(
        logits.float().reshape(-1, vocab), targets.reshape(-1), reduction="none"
    )
    if mask is None:
        return losses.mean()
    keep = mask.reshape(-1).to(losses.dtype)
    return (losses * keep).sum() / keep.sum()


def kl_divergence(reference_logits: Tensor, logits: Tensor, mask: Tensor | None = None) -> Tensor:
    """Mean KL(reference || model) per position over the positions ``mask`` keeps: how
    far the trained weights moved the next-token distribution from the reference's."""
    reference = F.log_softmax(reference_logits.float(), dim=-1)  # (..., V)
    ours = F.log_softmax(logits.float(), dim=-1)  # (..., V)
    per_position = (reference.exp() * (reference - ours)).sum(-1)  # (...)
    if mask is None:
        return per_position.mean()
    keep = mask.to(per_position.dtype)
    return (per_position * keep).sum() / keep.sum()
