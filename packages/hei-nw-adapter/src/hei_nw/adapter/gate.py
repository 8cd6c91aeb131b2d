"""The one base class for modules with a scalar gate that must stay fp32."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

import torch
from torch import Tensor, nn


class Fp32Gated(nn.Module):
    """A module whose ``gate`` parameter stays fp32 when the module is cast.

    A bf16 host would otherwise round a small trained gate to zero and switch
    the module off. Subclasses create ``self.gate`` (zeros: closed) themselves.
    """

    gate: nn.Parameter

    def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Self:
        result: Self = super()._apply(fn, recurse)  # type: ignore[no-untyped-call]
        if self.gate.dtype != torch.float32:
            self.gate.data = self.gate.data.float()
        return result
