"""The copy head: a pointer over memory tokens that can emit words never seen in training.

Plain gated cross-attention over hidden states learns *which kind* of answer to
give, but not to reproduce a name it never saw: its values would have to carry
token identity through several projections and the frozen upper stack. The copy
head skips all of that. It points at a memory position and moves probability to
**the token stored there** - token identity comes from the memory ids
themselves, so an unseen name is as easy to copy as a seen one (the idea of
pointer-generator networks, See et al. 2017).

Where to point is decided like an induction head (Olsson et al. 2022): the
query is the running text's state at some block (it knows the current token and
the question); each memory position ``j`` is keyed by

* the state of the token *before* it, ``h[j-1]`` ("what precedes this token"),
* the input embedding of the token itself (so the head can avoid e.g. newlines),
* a summary of the episode it belongs to: the state at the episode's last token,
  which has seen every slot (so a cue can pick the right one of several traces).

One more learned key, ``stop_key``, points at the end-of-answer token instead of
a memory position: "copy from memory, or stop".

Optionally (``cue_match=True``) the pointer also sees which memory tokens occur
in the question, by token id: each episode's score rises with how many of its
tokens the question names (relative to the best-matching episode, so one
episode alone is never moved), and a token the question itself contains can be
made less likely to be copied (answers are rarely words of the question). Both
are learned scalars starting at 0. Identity features generalise to names never
seen in training, where learned summaries of an episode blur similar traces.

The pointer's distribution ``q`` is mixed into the model's ``p`` as in
pointer-generator networks, ``(1 - s) p + s q``, with a learned per-position
switch ``s`` scaled by ``tanh(gate)``. The gate starts at 0, so a fresh head
returns the logits it was given, bit for bit (``x + log1p(0) == x``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from hei_nw.adapter.gate import Fp32Gated

MAX_SWITCH = 0.999
"""Cap on the copy probability, so the base distribution is never multiplied by 0."""
TINY_PROB = 1e-30
"""Floor on base probabilities in ``q / p``: float32 underflow must not divide by 0."""
MAX_LOG_INVERSE = -math.log(TINY_PROB)
"""1/p is capped at 1/TINY_PROB (about 1e30, well inside fp32)."""


@dataclass(frozen=True)
class CopyMemory:
    """Memory prepared for the copy head, once per call.

    ``keys`` ``(B_m, k + 1, d_k)`` (the last row is the stop key), ``targets``
    ``(B_m, k + 1)`` the token id each key emits, ``mask`` ``(B_m, k + 1)`` bool,
    True = may be pointed at; ``bias`` ``(B_m, k + 1)`` is added to the pointer's
    scores (the cue match; None = no bias).
    """

    keys: Tensor
    targets: Tensor
    mask: Tensor
    bias: Tensor | None = None

    @property
    def batch_size(self) -> int:
        return int(self.keys.shape[0])

    def repeat_interleave(self, repeats: int) -> CopyMemory:
        """Match a query batch expanded by beam search or ``num_return_sequences``."""
        if repeats == 1:
            return self
        return CopyMemory(
            keys=self.keys.repeat_interleave(repeats, dim=0),
            targets=self.targets.repeat_interleave(repeats, dim=0),
            mask=self.mask.repeat_interleave(repeats, dim=0),
            bias=None if self.bias is None else self.bias.repeat_interleave(repeats, dim=0),
        )


class CopyHead(Fp32Gated):
    """Pointer from the running text to memory tokens, added to the output logits.

    Args:
        hidden_size: width ``d`` of the host's hidden states.
        key_size: width of the pointer's query/key space. 128 is ample: the head
            only has to match token identity and slot context, not represent them.
        stop_token_id: token emitted when the head points at its stop key (the
            token generation ends on, e.g. ``<|im_end|>``).
    """

    def __init__(
        self,
        hidden_size: int,
        key_size: int = 128,
        *,
        stop_token_id: int,
        context: bool = False,
        cue_match: bool = False,
    ) -> None:
        super().__init__()
        if hidden_size <= 0 or key_size <= 0:
            raise ValueError(
                f"hidden_size and key_size must be positive, got {hidden_size}, {key_size}"
            )
        if stop_token_id < 0:
            raise ValueError(f"stop_token_id must be a token id, got {stop_token_id}")
        self.hidden_size = hidden_size
        self.key_size = key_size
        self.stop_token_id = stop_token_id
        self.query_norm = nn.LayerNorm(hidden_size)
        self.memory_norm = nn.LayerNorm(hidden_size)
        self.query_proj = nn.Linear(hidden_size, key_size, bias=False)
        self.previous_proj = nn.Linear(hidden_size, key_size, bias=False)
        self.token_proj = nn.Linear(hidden_size, key_size, bias=False)
        self.summary_proj = nn.Linear(hidden_size, key_size, bias=False)
        self.stop_key = nn.Parameter(torch.zeros(key_size))
        # Optional second query source: a deeper block's state, which knows better
        # what the question asks for than the shallow block that matches tokens.
        self.context_norm = nn.LayerNorm(hidden_size) if context else None
        self.context_proj = nn.Linear(hidden_size, key_size, bias=False) if context else None
        # Cue match: weights of "this episode shares tokens with the question" and
        # "this token is in the question"; 0 = no effect until trained.
        self.cue_match = cue_match
        self.cue_episode_weight = nn.Parameter(torch.zeros(1)) if cue_match else None
        self.cue_token_weight = nn.Parameter(torch.zeros(1)) if cue_match else None
        # Per-position wish to copy (the pointer-generator switch); starts at 1/2.
        self.switch_proj = nn.Linear(hidden_size, 1)
        nn.init.zeros_(self.switch_proj.weight)
        nn.init.zeros_(self.switch_proj.bias)
        self.gate = nn.Parameter(torch.zeros(1, dtype=torch.float32))

    def prepare(
        self,
        states: Tensor,
        embeddings: Tensor,
        token_ids: Tensor,
        mask: Tensor,
        segment_end: Tensor,
        in_cue: Tensor | None = None,
    ) -> CopyMemory:
        """Key every memory position once.

        ``states`` ``(B_m, k, d)`` memory hidden states at the key block,
        ``embeddings`` ``(B_m, k, d)`` the memory tokens' input embeddings,
        ``token_ids``/``mask`` ``(B_m, k)``, ``segment_end`` ``(B_m, k)`` the index
        of the last token of each position's episode, ``in_cue`` ``(B_m, k)`` bool:
        the token occurs in the question (required when built with ``cue_match``).
        """
        B_m = states.shape[0]
        normed = self.memory_norm(states)  # (B_m, k, d)
        previous = torch.cat([torch.zeros_like(normed[:, :1]), normed[:, :-1]], dim=1)
        summary = torch.gather(normed, 1, segment_end[..., None].expand(-1, -1, normed.shape[-1]))
        keys = (
            self.previous_proj(previous)
            + self.token_proj(embeddings.to(normed.dtype))
            + self.summary_proj(summary)
        )  # (B_m, k, d_k)
        # Position 0 has no predecessor inside memory: never point at it.
        pointable = mask.clone()
        pointable[:, 0] = False
        stop = self.stop_key.to(keys.dtype).expand(B_m, 1, -1)
        stop_target = torch.full(
            (B_m, 1), self.stop_token_id, dtype=token_ids.dtype, device=token_ids.device
        )
        any_memory = mask.any(dim=1, keepdim=True)
        bias = None
        if self.cue_match:
            if in_cue is None:
                raise ValueError("this copy head matches memory against the question: pass in_cue")
            bias = self._cue_bias(in_cue & mask, segment_end, mask).to(keys.dtype)
            bias = torch.cat([bias, torch.zeros_like(bias[:, :1])], dim=1)  # stop key: none
        return CopyMemory(
            keys=torch.cat([keys, stop], dim=1),  # (B_m, k + 1, d_k)
            targets=torch.cat([token_ids, stop_target], dim=1),
            mask=torch.cat([pointable, any_memory], dim=1),
            bias=bias,
        )

    def _cue_bias(self, in_cue: Tensor, segment_end: Tensor, mask: Tensor) -> Tensor:
        """Pointer bias ``(B_m, k)`` from token identity shared with the question."""
        assert self.cue_episode_weight is not None and self.cue_token_weight is not None
        hits = in_cue.float()  # (B_m, k)
        same_episode = segment_end[:, :, None] == segment_end[:, None, :]  # (B_m, k, k)
        shared = (same_episode.float() @ hits[..., None]).squeeze(-1)  # (B_m, k) per episode
        best = shared.masked_fill(~mask, 0.0).amax(dim=1, keepdim=True)
        episode = self.cue_episode_weight * (shared - best)  # 0 for the best-matching episode
        return episode + self.cue_token_weight * hits

    def pointer(self, queries: Tensor, memory: CopyMemory, context: Tensor | None = None) -> Tensor:
        """Attention of each query ``(B, T, d)`` over memory positions: ``(B, T, k + 1)``.

        ``context`` ``(B, T, d)``, the deeper block's states, joins the query when
        the head was built with ``context=True``.
        """
        q = self.query_proj(self.query_norm(queries))  # (B, T, d_k)
        if self.context_proj is not None and self.context_norm is not None:
            if context is None:
                raise ValueError("this copy head was built with context=True: pass context states")
            q = q + self.context_proj(self.context_norm(context))
        scores = q @ memory.keys.to(q.dtype).expand(q.shape[0], -1, -1).transpose(1, 2)
        scores = scores / math.sqrt(self.key_size)  # (B, T, k + 1)
        if memory.bias is not None:
            scores = scores + memory.bias.to(scores.dtype).expand(q.shape[0], -1)[:, None, :]
        mask = memory.mask.expand(q.shape[0], -1)[:, None, :]
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        return torch.softmax(scores, dim=-1)

    def copy_distribution(
        self, queries: Tensor, memory: CopyMemory, vocab: int, context: Tensor | None = None
    ) -> Tensor:
        """The pointer's distribution over the vocabulary ``(B, T, V)``: each memory
        position's weight lands on the token stored there (the stop key on the stop token)."""
        weights = self.pointer(queries, memory, context)  # (B, T, k + 1)
        B, T, _ = weights.shape
        targets = memory.targets.expand(B, -1)[:, None, :].expand(B, T, -1)
        copy = torch.zeros((B, T, vocab), dtype=weights.dtype, device=weights.device)
        return copy.scatter_add_(2, targets, weights)

    def switch(self, queries: Tensor) -> Tensor:
        """Probability of copying at each position ``(B, T, 1)``, scaled by the gate."""
        wanted = torch.sigmoid(self.switch_proj(self.query_norm(queries)))
        # max(tanh(gate), 0) written so that a closed gate (exactly 0) still gets a
        # gradient: torch gives clamp and relu a zero slope at the boundary.
        opening = 0.5 * (torch.tanh(self.gate) + torch.tanh(self.gate).abs())
        return wanted * MAX_SWITCH * opening

    def forward(
        self, logits: Tensor, queries: Tensor, memory: CopyMemory, context: Tensor | None = None
    ) -> Tensor:
        """Mix the pointer into ``logits`` ``(B, T, V)``; rows without memory are unchanged.

        The output is the pointer-generator mixture ``(1 - s) p + s q`` as logits,
        written as ``logits + log1p(s q / ((1 - s) p))`` so that every token the
        pointer does not reach - and every token when ``s`` is 0 - keeps its logit
        exactly. ``queries`` are the running text's states ``(B, T, d)`` aligned
        with ``logits``.
        """
        base = logits.float()
        copy = self.copy_distribution(queries, memory, base.shape[-1], context).float()  # q
        s = self.switch(queries).float()  # (B, T, 1)
        odds = s / (1 - s)
        # q / p as q * exp(-log p), with 1/p capped at 1/TINY_PROB. Dividing by a clamped
        # softmax instead has a backward of -q / p**2, which overflows to inf for any
        # p below ~1e-19 and turns into NaN at the clamp: harmless while the base is
        # frozen (no gradient reaches p), fatal once adapters make the base logits
        # trainable - rare passage words in long real memories have such tiny p.
        inverse_p = torch.exp((-torch.log_softmax(base, dim=-1)).clamp_max(MAX_LOG_INVERSE))
        ratio = copy * inverse_p  # q / p
        out = (base + torch.log1p(odds * ratio)).to(logits.dtype)
        has_memory = memory.mask.expand(logits.shape[0], -1).any(dim=1)
        return torch.where(has_memory[:, None, None], out, logits)

    def extra_repr(self) -> str:
        return (
            f"hidden_size={self.hidden_size}, key_size={self.key_size}, "
            f"stop_token_id={self.stop_token_id}, cue_match={self.cue_match}"
        )
