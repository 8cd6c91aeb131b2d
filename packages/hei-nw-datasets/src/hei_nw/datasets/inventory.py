"""Vocabularies by split: the M1 pools, and a large procedural inventory split in two.

A memory reader trained on ~100 items and ~80 places learns the vocabulary
instead of copying from memory. The procedural inventory makes memorising
impossible and evaluation honest: names, places, items, projects and hosts are
composed from invented syllables, and the syllables themselves are split into
two disjoint sets - ``"train"`` entities use one set, ``"test"`` entities the
other - so no evaluation entity string (nor any of its syllables) ever appears
in a training episode. ``"dev"`` is a third vocabulary for steering and for the
evaluations a training run makes as it goes: built from the held-out syllables
like ``"test"``, but sharing no entity string with ``"test"`` or ``"train"``, so
choosing a recipe on dev never looks at a test item. ``"test"`` is evaluated only
for release figures (each use logged). ``"classic"`` is the M1 pools, kept for the
M1 reports.

Everything is deterministic: the same split always gives the same tuples.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cache

from hei_nw.datasets import pools

SPLITS = ("classic", "train", "dev", "test")

_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"
_CODAS = ("", "n", "l", "r", "s", "th", "x", "k")
# Kind words are shared by both splits: they say what an entity is, not which one.
_PLACE_KINDS = pools._PLACE_KINDS
_COLOURS = pools._COLOURS


@dataclass(frozen=True)
class Vocabulary:
    """The entity pools one split draws from."""

    split: str
    people: tuple[str, ...]
    places: tuple[str, ...]
    items: tuple[str, ...]
    projects: tuple[str, ...]
    servers: tuple[str, ...]

    def strings(self) -> frozenset[str]:
        """Every entity string of the split (for leakage tests)."""
        return frozenset((*self.people, *self.places, *self.items, *self.projects, *self.servers))


def _syllables(split: str) -> tuple[str, ...]:
    """Consonant-vowel(-coda) syllables; even positions go to train, odd to dev and test."""
    every = [c + v + e for c in _CONSONANTS for v in _VOWELS for e in _CODAS]
    random.Random("hei-nw/inventory/syllables").shuffle(every)
    return tuple(every[0::2] if split == "train" else every[1::2])  # dev shares test's


_SIZES = {"first": (3000, 1, 3), "last": (3000, 2, 3), "place": (2500, 1, 3)}
_SIZES |= {"object": (2000, 1, 3), "project": (2000, 2, 3), "server": (2000, 2, 3)}


@cache
def _words(split: str, salt: str) -> tuple[str, ...]:
    """Distinct invented words of the split (count and syllables per word from ``_SIZES``).

    Disjoint syllables alone could still spell one word two ways ("ba"+"nal",
    "ban"+"al"), so test words never equal any train word; dev words equal
    neither (dev shares test's syllables, never its words).
    """
    count, low, high = _SIZES[salt]
    syllables = _syllables(split)
    taken: frozenset[str] = frozenset()
    if split == "test":
        taken = _train_words()
    elif split == "dev":
        taken = _train_words() | frozenset(w for s in _SIZES for w in _words("test", s))
    rng = random.Random(f"hei-nw/inventory/{split}/{salt}")
    words: dict[str, None] = {}
    while len(words) < count:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(low, high)))
        if word not in taken:
            words[word] = None
    return tuple(words)


@cache
def _train_words() -> frozenset[str]:
    return frozenset(w for salt in _SIZES for w in _words("train", salt))


@cache
def vocabulary(split: str = "classic") -> Vocabulary:
    """The pools of ``split`` (``"classic"``, ``"train"``, ``"dev"`` or ``"test"``)."""
    if split not in SPLITS:
        raise ValueError(f"unknown vocabulary split {split!r}; choose from {', '.join(SPLITS)}")
    if split == "classic":
        return Vocabulary(
            "classic", pools.PEOPLE, pools.PLACES, pools.ITEMS, pools.PROJECTS, pools.SERVERS
        )
    first = [w.capitalize() for w in _words(split, "first")]
    last = [w.capitalize() for w in _words(split, "last")]
    rng = random.Random(f"hei-nw/inventory/{split}/pairs")
    people = tuple(dict.fromkeys(f"{rng.choice(first)} {rng.choice(last)}" for _ in range(20000)))
    names = [w.capitalize() for w in _words(split, "place")]
    places = tuple(f"{kind} {name}" for name, kind in zip(names, itertools.cycle(_PLACE_KINDS)))
    nouns = _words(split, "object")
    items = tuple(f"{colour} {noun}" for noun, colour in zip(nouns, itertools.cycle(_COLOURS)))
    projects = tuple(f"Project {w.capitalize()}" for w in _words(split, "project"))
    servers = _words(split, "server")
    return Vocabulary(split, people, places, items, projects, servers)
