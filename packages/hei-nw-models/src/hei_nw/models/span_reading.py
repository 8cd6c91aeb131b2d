"""Reading recalled episodes with the span reader: states, lexical matches, the answer.

One read of one episode is one forward of the frozen base over the question's lead
(``Question: ...``) followed by the episode's tokens, stopped after the deepest block
the reader uses; the episode's tokens have then seen the question. Several episodes
are read side by side and the span with the best margin over "not in memory" wins
(or, if none clears the threshold, the answer is "not in memory").

The same :func:`read_states` builds the training cache (:mod:`hei_nw.train.feature_cache`)
and serves a question, so a reader is trained on exactly what it reads.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, nn

from hei_nw.models.reading import memory_states_at
from hei_nw.models.span_reader import SpanReader, best_span

QUESTION_LEAD = "Question: {question}\nNotes:\n"
"""What the base reads before an episode, so the episode's states see the question."""
MAX_EPISODE_TOKENS = 384
"""An episode longer than this is read up to here: an answer beyond it cannot be found."""


@dataclass(frozen=True)
class SpanInputs:
    """What the span reader reads for one (question, episode) pair."""

    question_ids: list[int]
    memory_ids: list[int]
    question_states: Tensor  # (Q, K, H) float16
    memory_states: Tensor  # (T, K, H) float16
    match: Tensor  # (T, 2) float16


def lead_ids(tokenizer: Any, question: str) -> list[int]:
    return list(
        tokenizer(QUESTION_LEAD.format(question=question), add_special_tokens=False)["input_ids"]
    )


def _normals(tokenizer: Any, ids: Sequence[int]) -> list[str]:
    """Each token alone, decoded, stripped and lower-cased (one batched decode call)."""
    return [str(t).strip().lower() for t in tokenizer.batch_decode([[i] for i in ids])]


def match_features(
    tokenizer: Any, question_ids: Sequence[int], memory_ids: Sequence[int]
) -> Tensor:
    """(T, 2): memory token occurs in the question as the same id (any token) / as the same
    lower-cased word (pieces without a letter or digit never match this one)."""
    same_id = set(question_ids)
    same_text = {t for t in _normals(tokenizer, question_ids) if any(c.isalnum() for c in t)}
    texts = _normals(tokenizer, memory_ids)
    rows = [
        (float(i in same_id), float(t in same_text)) for i, t in zip(memory_ids, texts, strict=True)
    ]
    return torch.tensor(rows, dtype=torch.float16).reshape(len(rows), 2)


def locate(tokenizer: Any, memory_ids: list[int], answer: str) -> tuple[int, int] | None:
    """Token positions [first, last] covering ``answer``'s first occurrence in the episode
    (exact, else case-insensitive), or None."""
    pieces = [str(tokenizer.decode([i])) for i in memory_ids]
    ends = list(itertools.accumulate(len(p) for p in pieces))
    text = "".join(pieces)
    at = text.find(answer)
    if at < 0:
        at = text.lower().find(answer.lower())
    if at < 0 or not answer.strip():
        return None
    first = next(n for n, end in enumerate(ends) if end > at)
    last = next(n for n, end in enumerate(ends) if end >= at + len(answer))
    return first, last


@torch.no_grad()
def read_states(
    model: nn.Module,
    tokenizer: Any,
    question: str,
    memory_ids: Sequence[int],
    blocks: Sequence[int],
) -> SpanInputs:
    """The base's states of the question's lead and the episode (cut at
    :data:`MAX_EPISODE_TOKENS`), read together in one forward, at each of ``blocks``."""
    lead = lead_ids(tokenizer, question)
    memory = list(memory_ids)[:MAX_EPISODE_TOKENS]
    device = next(model.parameters()).device
    ids = torch.tensor([lead + memory], dtype=torch.long, device=device)
    states = memory_states_at(model, ids, torch.ones_like(ids, dtype=torch.bool), blocks)
    stacked = torch.stack([states[b][0] for b in blocks], dim=1).to(
        "cpu", torch.float16
    )  # (L, K, H)
    return SpanInputs(
        question_ids=lead,
        memory_ids=memory,
        question_states=stacked[: len(lead)],
        memory_states=stacked[len(lead) :],
        match=match_features(tokenizer, lead, memory),
    )


def collate(items: Sequence[SpanInputs]) -> dict[str, Tensor]:
    """Right-padded batch tensors for :meth:`SpanReader.forward` (every episode needs a token:
    an empty one is padded to one masked position)."""
    T = max(1, max(len(i.memory_ids) for i in items))
    Q = max(len(i.question_ids) for i in items)
    K, H = items[0].question_states.shape[1:]  # the question's lead is never empty
    batch = {
        "memory": torch.zeros(len(items), T, K, H, dtype=torch.float16),
        "memory_mask": torch.zeros(len(items), T, dtype=torch.bool),
        "match": torch.zeros(len(items), T, 2, dtype=torch.float16),
        "question": torch.zeros(len(items), Q, K, H, dtype=torch.float16),
        "question_mask": torch.zeros(len(items), Q, dtype=torch.bool),
    }
    for row, item in enumerate(items):
        t, q = len(item.memory_ids), len(item.question_ids)
        batch["memory"][row, :t] = item.memory_states
        batch["memory_mask"][row, :t] = True
        batch["match"][row, :t] = item.match
        batch["question"][row, :q] = item.question_states
        batch["question_mask"][row, :q] = True
    return batch


@dataclass(frozen=True)
class SpanAnswer:
    """A span read from one episode, or ``text=None``: not in memory."""

    text: str | None
    episode: int | None
    margin: float


@torch.no_grad()
def answer_from_episodes(
    reader: SpanReader,
    model: nn.Module,
    tokenizer: Any,
    question: str,
    episodes: Sequence[Sequence[int]],
    threshold: float = 0.0,
) -> SpanAnswer:
    """The best span over ``episodes`` (token ids each), or "not in memory" when no
    episode's best span beats its null answer by ``threshold`` (an empty memory: always)."""
    readable = [(n, e) for n, e in enumerate(episodes) if len(e) > 0]
    if not readable:
        return SpanAnswer(text=None, episode=None, margin=-math.inf)
    items = [read_states(model, tokenizer, question, e, reader.config.blocks) for _, e in readable]
    start, end = reader.eval()(**collate(items))
    choices = [
        best_span(start[r], end[r], len(item.memory_ids), reader.config.max_span)
        for r, item in enumerate(items)
    ]
    best = max(range(len(choices)), key=lambda r: choices[r].margin)
    choice = choices[best]
    if choice.margin < threshold:
        return SpanAnswer(text=None, episode=None, margin=choice.margin)
    span = items[best].memory_ids[choice.start : choice.end + 1]
    return SpanAnswer(
        text=str(tokenizer.decode(span)).strip(), episode=readable[best][0], margin=choice.margin
    )


__all__ = [
    "MAX_EPISODE_TOKENS",
    "QUESTION_LEAD",
    "SpanAnswer",
    "SpanInputs",
    "answer_from_episodes",
    "collate",
    "lead_ids",
    "locate",
    "match_features",
    "read_states",
]
