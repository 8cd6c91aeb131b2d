"""The rule baseline: a template parser that reads the same memory the reader reads.

Before any reader figure means anything it must beat this. The parser knows our
memory template and nothing else:

1. split the memory text into episodes and each template episode into its
   ``key:value`` lines (a text episode has none: rules cannot read prose);
2. map the question's first question word to a slot (who, what/which, where,
   when, why);
3. pick the episode sharing the most words with the question, the newest
   (latest ``when``) on a tie - "the update wins";
4. answer that episode's slot value.

On the committed A-E template sets this scores about as well as the trained
reader; it must fail where wording, value shape or rendering leave the template,
which is where a reader is judged (``--baseline rules``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from hei_nw.datasets import Record, gold_answers
from hei_nw.eval.prompts import prompt_hash
from hei_nw.eval.results import ItemResult
from hei_nw.eval.scoring import score
from hei_nw.metrics import ComputeRecord

QUESTION_WORDS = {
    "who": "who",
    "whom": "who",
    "whose": "who",
    "what": "what",
    "which": "what",
    "where": "where",
    "when": "when",
    "why": "why",
}
"""Question word -> the slot it asks for; a question with none asks ``what``."""

_EPISODE = re.compile(r"<episodic>\n(.*?)\n</episodic>", re.DOTALL)
_FIELD = re.compile(r"^([a-z_]+):(.*)$")
_WORD = re.compile(r"\w+", re.UNICODE)


def parse_episodes(memory_text: str) -> list[dict[str, str]]:
    """The ``key:value`` fields of each episode in ``memory_text`` ({} for a text episode)."""
    episodes: list[dict[str, str]] = []
    for body in _EPISODE.findall(memory_text):
        lines = body.split("\n")
        fields = {m.group(1): m.group(2) for line in lines if (m := _FIELD.match(line))}
        episodes.append(fields if len(fields) == len(lines) else {})
    return episodes


def asked_slot(question: str) -> str:
    """The slot the first question word names (``what`` when there is none)."""
    for word in _WORD.findall(question.lower()):
        if word in QUESTION_WORDS:
            return QUESTION_WORDS[word]
    return "what"


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def rule_answer(question: str, memory_text: str) -> str:
    """The parser's answer to ``question`` from ``memory_text`` ("" when it finds none)."""
    slot = asked_slot(question)
    asked = _words(question)
    candidates = [e for e in parse_episodes(memory_text) if e.get(slot, "").strip()]
    if not candidates:
        return ""
    best = max(
        candidates,
        key=lambda e: (len(asked & _words(" ".join(e.values()))), e.get("when", "")),
    )
    return best[slot].strip()


def run_rules(
    records: Sequence[Record], memories: Sequence[Sequence[int]], tokenizer: Any
) -> list[ItemResult]:
    """The rule parser on each item's question and the memory the reader was given."""
    items = []
    for record, memory in zip(records, memories, strict=True):
        began = time.perf_counter()
        text = str(tokenizer.decode(list(memory)))
        prediction = rule_answer(record["query"], text)
        items.append(
            ItemResult(
                id=record["id"],
                prompt=record["query"],
                prompt_hash=prompt_hash(record["query"]),
                prediction=prediction,
                expected=record["expected"],
                scores=score(prediction, gold_answers(record)),
                latency_s=time.perf_counter() - began,
                prompt_tokens=0,
                generated_tokens=0,
                finish_reason="rules",
                lag=record["lag"],
                compute=ComputeRecord(0, 0, 0, 0),
                memory_token_ids=tuple(memory),
                memory_text=text,
            )
        )
    return items
