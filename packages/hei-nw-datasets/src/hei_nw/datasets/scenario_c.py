"""Scenario C - preference / configuration memory.

One-shot facts ("My server stargazer runs Postgres on port 5433.", "Dana Kowal
works from Café Lumen every Monday.") queried through paraphrased cues that name
the subject ("port for stargazer?", "Dana Kowal's Monday workplace?"). Every
item owns its subject, so a store holding a whole run has one right answer per
question.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from hei_nw.datasets.forms import check_forms, held_out_question
from hei_nw.datasets.inventory import Vocabulary, vocabulary
from hei_nw.datasets.pools import date_from
from hei_nw.datasets.records import Record, Trace, item_streams, make_trace, new_record, own_entity

SCENARIO = "C"
_DATABASES = ("Postgres", "MySQL", "Redis", "MongoDB", "SQLite", "Cassandra")
_EDITORS = ("Vim", "Emacs", "Helix", "Nano", "Kate", "Micro")

Fact = tuple[str, str, str, Trace]
"""(stated fact, cue, answer, trace)."""

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _server_port(rng: random.Random, vocab: Vocabulary, subject: str) -> Fact:
    server, db, port = subject, rng.choice(_DATABASES), str(rng.randrange(1024, 65535))
    fact = f"My server {server} runs {db} on port {port}."
    cues = (
        f"port for {server}?",
        f"Which port does {db} listen on, on {server}?",
        f"db port on my server {server}?",
    )
    return fact, rng.choice(cues), port, make_trace(who=server, what=f"{db} port {port}")


def _editor(rng: random.Random, vocab: Vocabulary, subject: str) -> Fact:
    editor = rng.choice(_EDITORS)
    fact = f"For code, {subject} always uses {editor} as the editor."
    cues = (
        f"which editor does {subject} like?",
        f"What editor should you open {subject}'s code in?",
        f"{subject}'s preferred editor?",
    )
    # The editor fills the slot alone: with ``what: editor Vim`` (the answer mid-slot,
    # as in scenario B's old layout) the reader copied the subject's name instead.
    return fact, rng.choice(cues), editor, make_trace(who=subject, what=editor)


def _office(rng: random.Random, vocab: Vocabulary, subject: str) -> Fact:
    place = rng.choice(vocab.places)
    day = rng.choice(_DAYS)
    fact = f"{subject} works from {place} every {day}."
    cues = (
        f"where does {subject} work on {day}s?",
        f"{subject}'s {day} workplace?",
        f"Where can you find {subject} on a {day}?",
    )
    trace = make_trace(who=subject, what=f"works {day}", where=place)
    return fact, rng.choice(cues), place, trace


# Each kind with the pool its subject (the one thing its cue names) comes from.
_FACTS: tuple[tuple[Callable[[random.Random, Vocabulary, str], Fact], str], ...] = (
    (_server_port, "servers"),
    (_editor, "people"),
    (_office, "people"),
)


def _held_out_cue(item_id: str, kind: str, subject: str, fact: str) -> str:
    day = next((d for d in _DAYS if f"every {d}" in fact), "")
    return held_out_question(item_id, f"C:{kind}", subject=subject, day=day)


def generate(n: int, seed: int, split: str = "classic", forms: str = "train") -> list[Record]:
    """``n`` Scenario C items, each a single stated fact and a paraphrased cue."""
    check_forms(forms)
    vocab = vocabulary(split)
    records: list[Record] = []
    for index, (group, rng) in enumerate(item_streams(SCENARIO, n, seed)):
        kind, pool = rng.choice(_FACTS)
        # Every item owns its subject: the same index in each pool's run order.
        subject = own_entity(getattr(vocab, pool), SCENARIO, seed, index)
        fact, cue, answer, trace = kind(rng, vocab, subject)
        trace["when"] = date_from(rng)
        name = kind.__name__.strip("_")
        if forms == "heldout":
            cue = _held_out_cue(group, name, subject, fact)
        records.append(
            new_record(
                group,
                SCENARIO,
                context=fact,
                query=cue,
                expected=answer,
                trace=trace,
                extra={"kind": name, "subject": subject, "family": {"forms": forms}},
            )
        )
    return records
