"""Value formats: the plain invented names training sees, and held-out formats it never sees.

Scenario A's slot values are normally two-word invented names ("Kavo Tessar",
"Café Lumvi", "red kovan"). A reader can learn to stop after two words, or
after a run of letters. Each held-out format rewrites the slots it names with
values of another shape, built from the same split's invented words (so held-out
values are also held-out strings): long multi-part names, digits, mixed case,
punctuation, codes, e-mail-like and URL-like strings, non-ASCII letters.
Training rows use ``plain`` only.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from hei_nw.datasets.inventory import Vocabulary

PLAIN = "plain"

Rewrite = Callable[[random.Random, Vocabulary], dict[str, str]]


def _word(rng: random.Random, vocab: Vocabulary) -> str:
    """One invented word of the split (the name part of a place)."""
    return rng.choice(vocab.places).split(" ", 1)[1]


def _first_last(rng: random.Random, vocab: Vocabulary) -> tuple[str, str]:
    first, last = rng.choice(vocab.people).split(" ", 1)
    return first, last


def _long_names(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    first, last = _first_last(rng, vocab)
    middle, family = _first_last(rng, vocab)
    kind = rng.choice(vocab.places).split(" ", 1)[0]
    words = [_word(rng, vocab) for _ in range(3)]
    return {
        "who": f"{first} {middle} {last} {family}",  # four parts
        "where": f"the Old {words[0]} {kind} by {words[1]} {words[2]} Lane",  # seven words
    }


def _digits(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    noun = rng.choice(vocab.items).split(" ", 1)[1]
    letter = rng.choice(string.ascii_uppercase)
    return {
        "what": f"{noun} {rng.randrange(100, 1000)}",
        "where": f"Room {rng.randrange(1, 10)}{letter}-{rng.randrange(10, 100)}",
    }


def _mixed_case(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    _, last = _first_last(rng, vocab)
    _, other = _first_last(rng, vocab)
    noun = rng.choice(vocab.items).split(" ", 1)[1]
    return {
        "who": f"Mc{last} De{other}",
        "what": f"i{noun.capitalize()}",
        "where": f"{_word(rng, vocab)}Lab HQ",
    }


def _punctuation(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    first, last = _first_last(rng, vocab)
    _, other = _first_last(rng, vocab)
    side = rng.choice(("North", "South", "East", "West"))
    return {
        "who": f"{first} O'{last}-{other}",
        "where": f"St. {_word(rng, vocab)}'s ({side})",
    }


def _codes(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    def code() -> str:
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
        return f"{letters}{rng.randrange(10, 100)}-{rng.randrange(100, 1000)}"

    noun = rng.choice(vocab.items).split(" ", 1)[1]
    version = ".".join(str(rng.randrange(10)) for _ in range(3))
    return {"what": f"{noun} v{version}", "where": f"bay {code()}"}


def _email(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    first, last = _first_last(rng, vocab)
    domain = _word(rng, vocab).lower()
    return {"who": f"{first.lower()}.{last.lower()}@{domain}-mail.org"}


def _url(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    host, page = _word(rng, vocab).lower(), _word(rng, vocab).lower()
    return {"where": f"https://{host}.example/{page}-{rng.randrange(10, 100)}"}


_ACCENTS = str.maketrans({"a": "á", "e": "ë", "i": "í", "o": "ø", "u": "ü"})


def _non_ascii(rng: random.Random, vocab: Vocabulary) -> dict[str, str]:
    first, last = _first_last(rng, vocab)
    kind, name = rng.choice(vocab.places).split(" ", 1)
    return {
        "who": f"{first.translate(_ACCENTS)} {last.translate(_ACCENTS)}",
        "where": f"{kind} {name.translate(_ACCENTS)}",
    }


HELD_OUT_FORMATS: dict[str, Rewrite] = {
    "long-names": _long_names,
    "digits": _digits,
    "mixed-case": _mixed_case,
    "punctuation": _punctuation,
    "codes": _codes,
    "email": _email,
    "url": _url,
    "non-ascii": _non_ascii,
}
"""Each held-out format and the slots it rewrites."""

VALUES = (PLAIN, *HELD_OUT_FORMATS, "heldout")
"""``--values`` choices: ``heldout`` cycles the held-out formats over the items."""


def check_values(values: str) -> None:
    if values not in VALUES:
        raise ValueError(f"unknown value format {values!r}; choose from {', '.join(VALUES)}")


def format_for(values: str, index: int) -> str:
    """The format item ``index`` uses (``heldout``: every held-out format in turn)."""
    check_values(values)
    if values == "heldout":
        return list(HELD_OUT_FORMATS)[index % len(HELD_OUT_FORMATS)]
    return values


def rewrite(values: str, item_id: str, vocab: Vocabulary) -> dict[str, str]:
    """The slot values format ``values`` gives this item (none for ``plain``), drawn from a
    stream of the item's own so the rest of the item is the same in every format."""
    if values == PLAIN:
        return {}
    return HELD_OUT_FORMATS[values](random.Random(f"hei-nw/values/{item_id}"), vocab)
