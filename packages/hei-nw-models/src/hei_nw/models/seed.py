"""The one place that seeds every random number generator we use."""

from __future__ import annotations

import random

import torch


def set_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy (if installed) and torch (CPU and CUDA).

    Scenario generators use their own ``random.Random(seed)`` and need no global
    seeding; this is for model initialisation and sampling.
    """
    random.seed(seed)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency of this package
        pass
    else:
        np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
