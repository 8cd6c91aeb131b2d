"""Answers: what :meth:`Memory.ask` returns, and the one read path that makes them.

An answer is either read from recalled episodes (``known``) or an honest "I don't
know" with its reason: with nothing relevant recalled, the product does not let the
base model guess. (The no-memory floor is a research measurement; the harness runs
it, the product never answers with it.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hei_nw.api.consolidation import reading_lora
from hei_nw.memory import Hit

if TYPE_CHECKING:
    from hei_nw.api.engine import Engine
    from hei_nw.api.memory import Memory

NOTHING_RECALLED = "nothing in memory about that"
"""The reason an answer is not known when recall finds no episode."""
NOT_IN_RECALLED = "the recalled notes do not answer that"
"""The reason when the span reader read the recalled notes and found no answer in them."""


@dataclass(frozen=True)
class UsedEpisode:
    """A recalled episode an answer read, with its recall score and rank (0 = best)."""

    id: str
    text: str
    score: float
    rank: int


@dataclass(frozen=True)
class Answer:
    """An answer and what it rests on. ``known`` is False when the memory holds nothing
    to answer from; then ``text`` is empty and ``reason`` says why."""

    text: str
    episodes: tuple[UsedEpisode, ...]
    memory_used: bool
    latency_s: float
    """Wall time of the call that answered it (one batched call may answer several)."""
    finish_reason: str
    known: bool = True
    reason: str = "read from memory"
    superseded: tuple[str, ...] = ()
    """Superseded notes recall found, read as the notes that replaced them."""


def answer_together(
    engine: Engine | Callable[[], Engine],
    asks: Sequence[tuple[Memory, str, int | None]],
    stream: Callable[[str], None] | None = None,
    *,
    lora_of: Callable[[Memory], Path | None] = reading_lora,
) -> list[Answer]:
    """Answer ``(memory, question, k)`` asks - of one memory or of several sharing
    ``engine`` (a server's tenants) - with one batched read per consolidated LoRA in use
    (``lora_of``: by default a memory's LoRA where its own check chose it, else none).

    ``engine`` may be a function that loads it: it is called only when some ask
    recalled an episode, so "I don't know" never waits for a model."""
    began = time.perf_counter()
    found = [memory.recall_current(question, k) for memory, question, k in asks]
    recalled = [hits for hits, _ in found]
    reading = [i for i, hits in enumerate(recalled) if hits]
    generations: dict[int, dict[str, str]] = {}
    if reading:
        loaded = engine if not callable(engine) else engine()
        for i in reading:
            loaded.check_question(asks[i][1].strip(), asks[i][0].settings.max_question_tokens)
        groups: dict[Path | None, list[int]] = {}
        for i in reading:
            groups.setdefault(lora_of(asks[i][0]), []).append(i)
        for lora, group in groups.items():
            with loaded.consolidated(lora):
                questions = [asks[i][1].strip() for i in group]
                read = _read(loaded, questions, [recalled[i] for i in group], stream)
                generations |= dict(zip(group, read, strict=True))
    latency = time.perf_counter() - began
    answers = []
    for i, ((memory, question, _), (hits, replaced)) in enumerate(zip(asks, found, strict=True)):
        memory.write_policy.gatekeeper.heard(question)
        if i not in generations:
            answers.append(_unknown(latency))
            continue
        if generations[i]["finish"] == "abstained":
            used = tuple(_used(h) for h in hits)
            answers.append(
                Answer("", used, True, latency, "abstained", known=False, reason=NOT_IN_RECALLED)
            )
            continue
        # What the system says is never written back as if a user had said it.
        memory.write_policy.gatekeeper.produced(generations[i]["text"])
        answers.append(
            Answer(
                text=generations[i]["text"],
                episodes=tuple(_used(h) for h in hits),
                memory_used=True,
                latency_s=latency,
                finish_reason=generations[i]["finish"],
                superseded=tuple(replaced),
            )
        )
    return answers


def _read(
    engine: Engine,
    questions: list[str],
    recalled: list[list[Hit]],
    stream: Callable[[str], None] | None,
) -> list[dict[str, str]]:
    """Each question read from its recalled episodes: an exact span or "abstained" (the
    span reader), or a generation (the copy-head reader); ``text`` and ``finish``."""
    episodes = [[h.trace or h.text for h in hits] for hits in recalled]
    if engine.span_reader is not None:
        out = []
        for span in engine.read_spans(questions, episodes):
            out.append({"text": span.text or "", "finish": "span" if span.text else "abstained"})
            if stream is not None and span.text:
                stream(span.text)
        return out
    answered = engine.answer(questions, [engine.pack(e) for e in episodes], stream)
    return [{"text": g["text"], "finish": g["finish_reason"]} for g in answered]


def _used(hit: Hit) -> UsedEpisode:
    return UsedEpisode(hit.id, hit.text, hit.score, hit.rank)


def _unknown(latency: float) -> Answer:
    return Answer("", (), False, latency, "not known", known=False, reason=NOTHING_RECALLED)
