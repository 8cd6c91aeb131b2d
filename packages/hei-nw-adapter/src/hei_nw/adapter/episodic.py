"""The Episodic Adapter: one gated cross-attention block that reads memory tokens.

The adapter sits inside a frozen decoder (at ~60% depth) and lets the hidden
states of the text being generated, ``H_t``, attend over hidden states of packed
memory tokens, ``M_t``. It is *read-only*: ``forward`` never writes state, so the
same adapter can serve any number of concurrent generations.

Three guarantees shape the code:

* **Empty memory is the identity.** With ``M_t`` None or of length 0 the input
  tensor itself is returned: no norm, no dropout, no arithmetic. A zero gate
  alone would not be byte-exact (``x + 0 * y`` turns -0.0 into +0.0 and lets
  NaN/inf from ``y`` through), so the identity is structural.
* **A fresh adapter changes nothing.** The residual branch is scaled by
  ``tanh(gate)`` with the gate initialised at 0 (the Flamingo / Llama-3.2-Vision
  pattern): the whole read path runs, yet outputs equal the inputs until the
  gate is trained or set.
* **Memory is projected once.** :meth:`EpisodicAdapter.project_memory` turns
  ``M_t`` into keys/values (:class:`MemoryKV`) that ``forward`` accepts in place
  of ``M_t``; token-by-token decoding reuses them instead of re-projecting.

The milestone plan suggested ``nn.MultiheadAttention``. We deliberately build on
``torch.nn.functional.scaled_dot_product_attention`` instead: MultiheadAttention
cannot reuse projected keys/values across calls, has no grouped-query (GQA/MQA)
support, and returns NaN for rows whose keys are all masked.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from hei_nw.adapter.gate import Fp32Gated


@dataclass(frozen=True)
class MemoryKV:
    """Memory projected to attention keys and values, ready to be read many times.

    ``keys`` and ``values`` are ``(B_m, n_kv_heads, k, head_dim)``; ``mask`` is
    ``(B_m, k)`` bool with True = attend, or None when every token is valid.
    ``B_m`` is the memory batch: equal to the query batch, or 1 to broadcast.
    """

    keys: Tensor
    values: Tensor
    mask: Tensor | None

    @property
    def batch_size(self) -> int:
        return int(self.keys.shape[0])

    @property
    def length(self) -> int:
        """Number of memory tokens ``k``."""
        return int(self.keys.shape[2])

    def repeat_interleave(self, repeats: int) -> MemoryKV:
        """Repeat each memory row ``repeats`` times, matching beam search or
        ``num_return_sequences`` expansion of the query batch."""
        if repeats == 1:
            return self
        mask = None if self.mask is None else self.mask.repeat_interleave(repeats, dim=0)
        return MemoryKV(
            keys=self.keys.repeat_interleave(repeats, dim=0),
            values=self.values.repeat_interleave(repeats, dim=0),
            mask=mask,
        )


class EpisodicAdapter(Fp32Gated):
    """Pre-norm gated cross-attention from hidden states ``H_t`` to memory ``M_t``.

    Args:
        hidden_size: width ``d`` of the host model's hidden states.
        n_heads: query heads; must divide ``hidden_size``.
        dropout: attention and residual dropout, active only in training mode.
            Defaults to 0.0 because the adapter is read-only in M1.
        n_kv_heads: key/value heads for grouped-query attention (must divide
            ``n_heads``); defaults to ``n_heads``. Fewer heads shrink memory K/V.
        layer_index: the host decoder block whose output this adapter reads into.
            The adapter does not use it; it is recorded so callers and reports
            can show where the adapter sits.
    """

    def __init__(
        self,
        hidden_size: int,
        n_heads: int,
        dropout: float = 0.0,
        *,
        n_kv_heads: int | None = None,
        layer_index: int | None = None,
    ) -> None:
        super().__init__()
        n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
        if hidden_size <= 0 or n_heads <= 0 or n_kv_heads <= 0:
            raise ValueError(
                f"hidden_size, n_heads and n_kv_heads must be positive, got "
                f"{hidden_size}, {n_heads}, {n_kv_heads}"
            )
        if hidden_size % n_heads != 0:
            raise ValueError(
                f"hidden_size ({hidden_size}) must be divisible by n_heads ({n_heads})"
            )
        if n_heads % n_kv_heads != 0:
            raise ValueError(f"n_heads ({n_heads}) must be divisible by n_kv_heads ({n_kv_heads})")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.hidden_size = hidden_size
        self.n_heads = n_heads
        self.n_kv_heads = n_kv_heads
        self.head_dim = hidden_size // n_heads
        self.dropout = dropout
        self.layer_index = layer_index

        kv_width = n_kv_heads * self.head_dim
        self.query_norm = nn.LayerNorm(hidden_size)
        self.memory_norm = nn.LayerNorm(hidden_size)
        self.q_proj = nn.Linear(hidden_size, hidden_size, bias=False)
        self.k_proj = nn.Linear(hidden_size, kv_width, bias=False)
        self.v_proj = nn.Linear(hidden_size, kv_width, bias=False)
        self.o_proj = nn.Linear(hidden_size, hidden_size, bias=False)
        self.residual_dropout = nn.Dropout(dropout)
        # tanh(0) = 0: a fresh adapter leaves hidden states unchanged. Kept in fp32
        # (see _apply) so a bf16 host cannot round a small trained gate to zero.
        self.gate = nn.Parameter(torch.zeros(1, dtype=torch.float32))

    def project_memory(self, M_t: Tensor, attn_mask: Tensor | None = None) -> MemoryKV:
        """Normalise and project memory states ``(B_m, k, d)`` to keys/values once.

        ``attn_mask`` is bool ``(B_m, k)`` with **True = attend** (the opposite of
        ``nn.MultiheadAttention``'s ``key_padding_mask``).
        """
        self._check_memory(M_t, attn_mask)
        B_m, k, _ = M_t.shape
        normed = self.memory_norm(M_t)  # (B_m, k, d)
        keys = self.k_proj(normed).view(B_m, k, self.n_kv_heads, self.head_dim).transpose(1, 2)
        values = self.v_proj(normed).view(B_m, k, self.n_kv_heads, self.head_dim).transpose(1, 2)
        return MemoryKV(keys=keys, values=values, mask=attn_mask)  # (B_m, n_kv, k, hd)

    def forward(
        self,
        H_t: Tensor,
        M_t: Tensor | MemoryKV | None,
        attn_mask: Tensor | None = None,
    ) -> Tensor:
        """Read memory into hidden states ``H_t`` ``(B, T, d)``; returns ``(B, T, d)``.

        ``M_t`` is raw memory ``(B_m, k, d)`` or a :class:`MemoryKV` from
        :meth:`project_memory` (then ``attn_mask`` must be None: the mask travels
        with the projection). Empty memory returns ``H_t`` itself.
        """
        if M_t is None:
            return H_t
        if isinstance(M_t, MemoryKV):
            if attn_mask is not None:
                raise ValueError("attn_mask must be None when M_t is a MemoryKV (it has its own)")
            memory = M_t
        else:
            self._check_memory(M_t, attn_mask)
            if M_t.shape[1] == 0:
                return H_t
            memory = self.project_memory(M_t, attn_mask)
        if memory.length == 0:
            return H_t
        self._check_hidden(H_t, memory.batch_size)
        return self._read(H_t, memory)

    def _read(self, H_t: Tensor, memory: MemoryKV) -> Tensor:
        """Gated cross-attention residual; rows with no attendable memory pass through."""
        B, T, d = H_t.shape
        q = self.q_proj(self.query_norm(H_t))  # (B, T, d)
        q = q.view(B, T, self.n_heads, self.head_dim).transpose(1, 2)  # (B, nh, T, hd)
        keys = memory.keys.to(q.dtype).expand(B, -1, -1, -1)  # (B, n_kv, k, hd)
        values = memory.values.to(q.dtype).expand(B, -1, -1, -1)

        sdpa_mask = None
        row_has_memory = None
        if memory.mask is not None:
            mask = memory.mask.expand(B, -1)  # (B, k)
            row_has_memory = mask.any(dim=1)  # (B,)
            # A fully masked row would give NaN; let it attend everywhere, then drop it below.
            mask = mask | ~row_has_memory[:, None]
            sdpa_mask = mask[:, None, None, :]  # (B, 1, 1, k)

        attended = F.scaled_dot_product_attention(
            q,
            keys,
            values,
            attn_mask=sdpa_mask,
            dropout_p=self.dropout if self.training else 0.0,
            enable_gqa=self.n_kv_heads != self.n_heads,
        )  # (B, nh, T, hd)
        attended = attended.transpose(1, 2).reshape(B, T, d)
        update: Tensor = self.residual_dropout(self.o_proj(attended))  # (B, T, d)
        out = H_t + torch.tanh(self.gate).to(H_t.dtype) * update
        if row_has_memory is not None:
            out = torch.where(row_has_memory[:, None, None], out, H_t)
        return out

    def _check_memory(self, M_t: Tensor, attn_mask: Tensor | None) -> None:
        if M_t.dim() != 3:
            raise ValueError(f"M_t must be rank 3 [batch, k, hidden], got shape {tuple(M_t.shape)}")
        if M_t.shape[2] != self.hidden_size:
            raise ValueError(
                f"M_t hidden size {M_t.shape[2]} does not match adapter hidden_size "
                f"{self.hidden_size} (M_t shape {tuple(M_t.shape)})"
            )
        if attn_mask is None:
            return
        if attn_mask.dtype != torch.bool:
            raise ValueError(
                f"attn_mask must be a bool tensor (True = attend), got {attn_mask.dtype}"
            )
        if tuple(attn_mask.shape) != tuple(M_t.shape[:2]):
            raise ValueError(
                f"attn_mask shape {tuple(attn_mask.shape)} must be [batch, k] = "
                f"{tuple(M_t.shape[:2])} to match M_t shape {tuple(M_t.shape)}"
            )

    def _check_hidden(self, H_t: Tensor, memory_batch: int) -> None:
        if H_t.dim() != 3:
            raise ValueError(
                f"H_t must be rank 3 [batch, seq, hidden], got shape {tuple(H_t.shape)}"
            )
        if H_t.shape[2] != self.hidden_size:
            raise ValueError(
                f"H_t hidden size {H_t.shape[2]} does not match adapter hidden_size "
                f"{self.hidden_size} (H_t shape {tuple(H_t.shape)})"
            )
        if memory_batch not in (1, H_t.shape[0]):
            raise ValueError(
                f"memory batch {memory_batch} does not match H_t batch {H_t.shape[0]} "
                f"(H_t shape {tuple(H_t.shape)}); use the same batch or 1 to broadcast"
            )

    def extra_repr(self) -> str:
        return (
            f"hidden_size={self.hidden_size}, n_heads={self.n_heads}, "
            f"n_kv_heads={self.n_kv_heads}, dropout={self.dropout}, layer_index={self.layer_index}"
        )
