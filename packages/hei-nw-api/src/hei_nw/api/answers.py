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
from typing import TYPE_CHECKING

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
) -> list[Answer]:
    """Answer ``(memory, question, k)`` asks - of one memory or of several sharing
    ``engine`` (a server's tenants) - with one batched generate call.

    ``engine`` may be a function that loads it: it is called only when some ask
    recalled an episode, so "I don't know" never waits for a model."""
    began = time.perf_counter()
    found = [memory.recall_current(question, k) for memory, question, k in asks]
    recalled = [hits for hits, _ in found]
    reading = [i for i, hits in enumerate(recalled) if hits]
    generations: dict[int, dict[str, str]] = {}
    if reading:
        loaded = engine if not callable(engine) else engine()
        questions = [asks[i][1].strip() for i in reading]
        for i, question in zip(reading, questions, strict=True):
            loaded.check_question(question, asks[i][0].settings.max_question_tokens)
        if loaded.span_reader is not None:
            episodes = [[h.trace or h.text for h in recalled[i]] for i in reading]
            for i, span in zip(reading, loaded.read_spans(questions, episodes), strict=True):
                generations[i] = {
                    "text": span.text or "",
                    "finish": "span" if span.text else "abstained",
                }
                if stream is not None and span.text:
                    stream(span.text)
        else:
            memories = [loaded.pack([h.trace or h.text for h in recalled[i]]) for i in reading]
            answered = loaded.answer(questions, memories, stream)
            for i, generation in zip(reading, answered, strict=True):
                generations[i] = {"text": generation["text"], "finish": generation["finish_reason"]}
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


def _used(hit: Hit) -> UsedEpisode:
    return UsedEpisode(hit.id, hit.text, hit.score, hit.rank)


def _unknown(latency: float) -> Answer:
    return Answer("", (), False, latency, "not known", known=False, reason=NOTHING_RECALLED)
