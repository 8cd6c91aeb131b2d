"""The one place that seeds every random number generator we use."""

from __future__ import annotations


def set_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy and torch (CPU and CUDA) with transformers' helper.

    Scenario generators use their own ``random.Random(seed)`` and need no global
    seeding; this is for model initialisation and sampling.
    """
    from transformers import set_seed as seed_everything

    seed_everything(seed)
