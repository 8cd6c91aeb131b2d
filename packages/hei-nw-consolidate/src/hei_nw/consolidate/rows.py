"""Training rows from stored episodes: what consolidation teaches the weights.

Measured before this package (``shared/notes/memory-reader.md``): a fact seen in
one wording is memorised but cannot be asked for in another, and training only
on facts makes the model stop reading the notes in its prompt. So an episode
becomes several kinds of row:

* ``qa`` - a cue -> answer row per slot in :data:`FORMS_PER_SLOT` wordings of our
  own (none is an evaluation wording: a test checks the scenario templates);
  a fifth wording is kept back to watch for overfitting (``held_out_rows``);
* ``lm`` - the episode's text itself (plain exposure);
* ``reading`` - a *counterfactual note*: the episode with one slot's value taken
  from another episode, in the prompt as notes, and the answer read from the
  note - so the model keeps preferring what its prompt says over what it learned;
* ``unknown`` - (off by default) a cue that no episode holds, answered
  :data:`UNKNOWN`: the cue's values recombined across episodes or blended into
  names no episode has - so an unfamiliar cue is not answered with a familiar
  value (what the LoRA does without them: it invents knowledge);
* ``cloze`` - for a text episode (no slots): each sentence with one span blanked.

Generic real text (``generic`` rows) is supplied by the caller; the worker
trains on it with a KL term to the frozen base (``worker.py``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.memory import render_text as trace_note
from hei_nw.models.prompts import build_prompt

SLOT_NOUN = {"who": "person", "what": "thing", "where": "place", "when": "date"}
"""How a question names the slot it asks for."""

FORMS: dict[str, tuple[str, ...]] = {
    "who": (
        "Which person goes with {cue}?",
        "Recall the episode of {cue}. Name the person in it.",
        "Memory check - {fields}. Person?",
        "{cue}: the person involved was?",
        "Thinking of {cue}, which person comes to mind?",
    ),
    "what": (
        "Which thing goes with {cue}?",
        "Recall the episode of {cue}. Name the thing in it.",
        "Memory check - {fields}. Thing?",
        "{cue}: the thing involved was?",
        "Thinking of {cue}, which thing comes to mind?",
    ),
    "where": (
        "Which place goes with {cue}?",
        "Recall the episode of {cue}. Name the place in it.",
        "Memory check - {fields}. Place?",
        "{cue}: the place involved was?",
        "Thinking of {cue}, which place comes to mind?",
    ),
    "when": (
        "Which date goes with {cue}?",
        "Recall the episode of {cue}. Name the date in it.",
        "Memory check - {fields}. Date?",
        "{cue}: the date involved was?",
        "Thinking of {cue}, which date comes to mind?",
    ),
}
"""Consolidation's own question wordings per slot; ``{cue}`` lists the other slots'
values, ``{fields}`` names them. None is a scenario's wording (tested). The last
one is never trained: early stopping watches the loss on it (:data:`HELD_OUT_FORM`)."""

FORMS_PER_SLOT = 4
HELD_OUT_FORM = 4
UNKNOWN = "unknown"
"""The answer an ``unknown`` row teaches for a cue no consolidated episode holds."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SPAN = re.compile(r"\b(?:\d[\w:/-]*(?:[.,]\d+)*|[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*)")


@dataclass(frozen=True)
class Row:
    """One training row: ``prompt`` (a user turn; empty for text rows) and ``target``,
    the text the loss is on. ``episode_id`` is empty for generic rows."""

    kind: str
    prompt: str
    target: str
    episode_id: str = ""


def question(slot: str, others: Mapping[str, str], form: int) -> str:
    """Wording ``form`` of the question for ``slot``, cued by the ``others`` slots' values."""
    cue = _join(list(others.values()))
    fields = "; ".join(f"{SLOT_NOUN[name]}: {value}" for name, value in others.items())
    return FORMS[slot][form].format(cue=cue, fields=fields)  # values verbatim, case included


def filled_slots(trace: Mapping[str, Any]) -> dict[str, str]:
    return {slot: str(trace[slot]) for slot in SLOT_NOUN if str(trace.get(slot, "")).strip()}


def qa_rows(episode_id: str, trace: Mapping[str, Any], forms: int = FORMS_PER_SLOT) -> list[Row]:
    """Cue -> answer rows: every filled slot asked in ``forms`` wordings, cued by the others."""
    filled = filled_slots(trace)
    rows = []
    for slot, answer in filled.items():
        others = {name: value for name, value in filled.items() if name != slot}
        for form in range(min(forms, HELD_OUT_FORM) if others else 0):
            rows.append(Row("qa", build_prompt(question(slot, others, form)), answer, episode_id))
    return rows


def held_out_rows(episode_id: str, trace: Mapping[str, Any]) -> list[Row]:
    """The same questions in the wording training never uses: early stopping's yardstick."""
    return [
        Row("held-out", build_prompt(question(slot, others, HELD_OUT_FORM)), answer, episode_id)
        for slot, answer, others in _cues(trace)
    ]


def _cues(trace: Mapping[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """Each filled slot with its value and the other filled slots (its cue), where any."""
    filled = filled_slots(trace)
    cues = []
    for slot, answer in filled.items():
        others = {name: value for name, value in filled.items() if name != slot}
        if others:
            cues.append((slot, answer, others))
    return cues


def lm_row(episode_id: str, text: str) -> Row:
    """The episode's own text, learned as plain text."""
    return Row("lm", "", text, episode_id)


def reading_rows(
    episodes: Sequence[tuple[str, Mapping[str, Any]]], per_episode: int, seed: int
) -> list[Row]:
    """Counterfactual notes: episode ``i`` with one slot's value swapped for another
    episode's, in the prompt as notes; the answer is the note's value, not the
    consolidated one. Needs two or more episodes with traces."""
    traces = [(eid, trace) for eid, trace in episodes if trace]
    if len(traces) < 2 or per_episode <= 0:
        return []
    rng = random.Random(f"hei-nw/consolidate/reading/{seed}")
    rows = []
    for index, (eid, trace) in enumerate(traces):
        filled = filled_slots(trace)
        for _ in range(per_episode):
            slot = rng.choice(sorted(filled))
            other = traces[(index + rng.randrange(1, len(traces))) % len(traces)][1]
            value = str(other.get(slot, "")).strip() or filled[slot]
            note = {**trace, slot: value}
            others = {name: v for name, v in filled.items() if name != slot}
            if not others:
                continue
            query = question(slot, others, rng.randrange(HELD_OUT_FORM))
            rows.append(Row("reading", build_prompt(query, trace_note(note)), value, eid))
    return rows


def unknown_rows(
    episodes: Sequence[tuple[str, Mapping[str, Any]]], per_episode: int, seed: int
) -> list[Row]:
    """Cues no episode holds, answered :data:`UNKNOWN`, made from the episodes' own values
    (no outside vocabulary): alternately *recombined* (one cue value taken from another
    episode: every value is familiar, the combination is not) and *blended* (every cue
    value's last word from another episode's value of that slot: names no episode has).
    A cue that some episode does hold is skipped. Needs two or more episodes with traces."""
    traces = [(eid, filled_slots(trace)) for eid, trace in episodes if trace]
    if len(traces) < 2 or per_episode <= 0:
        return []
    held = [set(filled.items()) for _, filled in traces]
    rng = random.Random(f"hei-nw/consolidate/unknown/{seed}")
    rows = []
    for index, (eid, filled) in enumerate(traces):
        for turn in range(per_episode):
            slot = rng.choice(sorted(filled))
            other = traces[(index + rng.randrange(1, len(traces))) % len(traces)][1]
            cue = {name: value for name, value in filled.items() if name != slot}
            if not cue:
                continue
            if (index + turn) % 2 == 0:
                swapped = rng.choice(sorted(cue))
                cue[swapped] = other.get(swapped, cue[swapped])
            else:
                cue = {name: _blend(value, other.get(name, "")) for name, value in cue.items()}
            if any(set(cue.items()) <= holds for holds in held):
                continue
            query = question(slot, cue, rng.randrange(HELD_OUT_FORM))
            rows.append(Row("unknown", build_prompt(query), UNKNOWN, eid))
    return rows


def is_unknown(answer: str) -> bool:
    """Whether a generated ``answer`` is the ``unknown`` rows' abstention (case and a final
    period aside): what the B2/B3 reports count."""
    return answer.strip(" .").lower() == UNKNOWN


def _blend(value: str, other: str) -> str:
    """``value`` with its last word (or last dash-separated part, for dates) from ``other``."""
    for sep in (" ", "-"):
        head, tail = value.rsplit(sep, 1) if sep in value else (value, "")
        _, other_tail = other.rsplit(sep, 1) if sep in other else (other, "")
        if tail and other_tail:
            return f"{head}{sep}{other_tail}"
    return value


def cloze_rows(episode_id: str, text: str) -> list[Row]:
    """A text episode's sentences, each with its first name-like or numeric span blanked."""
    return [
        Row("cloze", build_prompt(f"Fill the gap from memory: {gap}"), answer, episode_id)
        for gap, answer in _gaps(text)
    ]


def _gaps(text: str) -> list[tuple[str, str]]:
    """Each sentence with its first name-like or numeric span (not its first word, which
    is capitalised anyway) replaced by ``___``, and the span."""
    gaps = []
    for sentence in _SENTENCE.split(text.strip()):
        match = _SPAN.search(sentence, 1)
        if match is not None:
            gaps.append(
                (sentence[: match.start()] + "___" + sentence[match.end() :], match.group(0))
            )
    return gaps


def check_questions(trace: Mapping[str, Any], text: str) -> list[tuple[str, str]]:
    """``(question, answer)`` pairs in wordings training never uses, for a store's check
    of its own LoRA: each slot's question in the held-out form for a trace; for a text,
    each sentence's blank asked with another instruction than the cloze rows' (the
    same gap, as the held-out form asks for the same slot)."""
    if trace:
        return [
            (question(slot, others, HELD_OUT_FORM), answer) for slot, answer, others in _cues(trace)
        ]
    return [(f"Complete this from memory: {gap}", answer) for gap, answer in _gaps(text)]


def episode_rows(episode_id: str, trace: Mapping[str, Any], text: str, forms: int) -> list[Row]:
    """Every row one episode gives on its own (``reading`` rows need the others)."""
    rows = [lm_row(episode_id, text)]
    return rows + (qa_rows(episode_id, trace, forms) if trace else cloze_rows(episode_id, text))


def _join(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]
