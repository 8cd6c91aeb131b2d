"""Synthetic vocabularies for the scenarios, built from invented syllables.

Names, places and items come from disjoint pools, so no real person is ever
named and a value of one kind never doubles as another. Pools are built
deterministically (no randomness), so every seed sees the same vocabularies.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence

_ONSETS = (
    "Ba",
    "Ce",
    "Da",
    "Fe",
    "Ga",
    "Hi",
    "Jo",
    "Ka",
    "Le",
    "Mi",
    "No",
    "Pa",
    "Ri",
    "Sa",
    "Te",
    "Vo",
)
_MIDDLES = ("ra", "lo", "ne", "vi", "su", "ke", "da", "mo")
_ENDS = ("n", "l", "r", "s", "th", "x")
_SURNAMES = (
    "Varn",
    "Oskel",
    "Thorne",
    "Quill",
    "Brask",
    "Edley",
    "Morrow",
    "Fennick",
    "Halvard",
    "Ostrin",
)

_PLACE_KINDS = ("Café", "Library", "Station", "Gallery", "Market", "Studio", "Dock", "Garden")
_PLACE_NAMES = (
    "Lumen",
    "Verity",
    "Orchid",
    "Basalt",
    "Cinder",
    "Halcyon",
    "Juniper",
    "Marrow",
    "Nimbus",
    "Tessel",
)

_COLOURS = (
    "red",
    "blue",
    "green",
    "yellow",
    "black",
    "white",
    "silver",
    "orange",
    "purple",
    "brown",
)
_OBJECTS = (
    "backpack",
    "umbrella",
    "notebook",
    "scarf",
    "camera",
    "thermos",
    "laptop",
    "jacket",
    "wallet",
    "helmet",
)

_ENTITIES = (
    "Veltra",
    "Quorin",
    "Asteri",
    "Morvane",
    "Pellix",
    "Sundral",
    "Tavio",
    "Orbel",
    "Caskin",
    "Ulmer",
)

PEOPLE: tuple[str, ...] = tuple(
    f"{o}{m}{e} {s}"
    for (o, m, e), s in zip(
        itertools.product(_ONSETS, _MIDDLES, _ENDS),
        itertools.cycle(_SURNAMES),
        strict=False,
    )
)
"""768 invented full names, e.g. "Barin Varn"."""

PLACES: tuple[str, ...] = tuple(f"{k} {n}" for k in _PLACE_KINDS for n in _PLACE_NAMES)
"""80 invented places, e.g. "Café Lumen"."""

ITEMS: tuple[str, ...] = tuple(f"{c} {o}" for c in _COLOURS for o in _OBJECTS)
"""100 items, e.g. "red backpack"."""

SERVERS: tuple[str, ...] = tuple(
    f"{o.lower()}{m}{e}" for o, m, e in itertools.product(_ONSETS, _MIDDLES, _ENDS)
)
"""768 server host names, lower-case invented words, e.g. "barin"."""

PROJECTS: tuple[str, ...] = tuple(
    f"Project {e} {s.capitalize()}" for e, s in itertools.product(_ENTITIES, SERVERS)
)
"""7,680 projects, e.g. "Project Veltra Barin": enough for every item of a run to own one."""

_EPOCH = dt.date(2024, 1, 1)


def date_from(rng: random.Random, span_days: int = 730) -> str:
    """An ISO date within two years of 2024-01-01."""
    return (_EPOCH + dt.timedelta(days=rng.randrange(span_days))).isoformat()


def other_date(rng: random.Random, avoid: str) -> str:
    """A date from :func:`date_from` other than ``avoid``."""
    while (value := date_from(rng)) == avoid:
        pass
    return value


def pick_other(rng: random.Random, pool: Sequence[str], *avoid: str) -> str:
    """A pool value different from every value in ``avoid``."""
    while True:
        value = rng.choice(pool)
        if value not in avoid:
            return value


def article(noun_phrase: str) -> str:
    """``"a red backpack"`` / ``"an orange scarf"``."""
    return f"{'an' if noun_phrase[:1].lower() in 'aeiou' else 'a'} {noun_phrase}"
