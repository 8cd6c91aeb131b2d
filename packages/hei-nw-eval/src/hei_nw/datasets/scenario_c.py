"""Scenario C - preference / configuration memory.

One-shot user facts ("My server stargazer runs Postgres on port 5433.") queried
through paraphrased cues ("port for stargazer?", "db port on my server?").
"""

from __future__ import annotations

import random

from hei_nw.datasets.inventory import Vocabulary, vocabulary
from hei_nw.datasets.pools import date_from
from hei_nw.datasets.records import Record, Trace, item_streams, make_trace, new_record

SCENARIO = "C"
_DATABASES = ("Postgres", "MySQL", "Redis", "MongoDB", "SQLite", "Cassandra")
_EDITORS = ("Vim", "Emacs", "Helix", "Nano", "Kate", "Micro")


def _server_port(rng: random.Random, vocab: Vocabulary) -> tuple[str, str, str, Trace]:
    server, db, port = (
        rng.choice(vocab.servers),
        rng.choice(_DATABASES),
        str(rng.randrange(1024, 65535)),
    )
    fact = f"My server {server} runs {db} on port {port}."
    cues = (
        f"port for {server}?",
        f"Which port does {db} listen on, on {server}?",
        "db port on my server?",
    )
    return (
        fact,
        rng.choice(cues),
        port,
        make_trace(who=server, what=f"{db} port {port}", where=server),
    )


def _editor(rng: random.Random, vocab: Vocabulary) -> tuple[str, str, str, Trace]:
    editor = rng.choice(_EDITORS)
    fact = f"For code I always use {editor} as my editor."
    cues = (
        "which editor do I like?",
        "What editor should you open my code in?",
        "my preferred editor?",
    )
    return fact, rng.choice(cues), editor, make_trace(who="user", what=f"editor {editor}")


def _office(rng: random.Random, vocab: Vocabulary) -> tuple[str, str, str, Trace]:
    place, day = (
        rng.choice(vocab.places),
        rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
    )
    fact = f"I work from {place} every {day}."
    cues = (
        f"where do I work on {day}s?",
        f"my {day} workplace?",
        f"Where can you find me on a {day}?",
    )
    return fact, rng.choice(cues), place, make_trace(who="user", what=f"works {day}", where=place)


_FACTS = (_server_port, _editor, _office)


def generate(n: int, seed: int, split: str = "classic") -> list[Record]:
    """``n`` Scenario C items, each a single stated fact and a paraphrased cue."""
    vocab = vocabulary(split)
    records: list[Record] = []
    for group, rng in item_streams(SCENARIO, n, seed):
        kind = rng.choice(_FACTS)
        fact, cue, answer, trace = kind(rng, vocab)
        trace["when"] = date_from(rng)
        records.append(
            new_record(
                group,
                SCENARIO,
                context=fact,
                query=cue,
                expected=answer,
                trace=trace,
                extra={"kind": kind.__name__.strip("_")},
            )
        )
    return records
