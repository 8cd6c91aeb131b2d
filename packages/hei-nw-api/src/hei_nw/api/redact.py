"""Redaction before anything is written: e-mail addresses, phone numbers, payment card
numbers (Luhn-checked, so an order number is not taken for a card) and IBANs
(mod-97-checked). Each match is replaced by a tag such as ``[EMAIL]``; what was
removed is counted by kind in the episode's provenance, never stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{7,}\d(?!\w)")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, mod 97 = 1."""
    compact = text.replace(" ", "")
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


@dataclass(frozen=True)
class Redaction:
    """The redacted text and how many of each kind were removed."""

    text: str
    removed: dict[str, int]


_RULES: tuple[tuple[str, re.Pattern[str], Callable[[str], bool]], ...] = (
    ("email", _EMAIL, lambda _: True),
    ("iban", _IBAN, iban_valid),
    ("card", _CARD, lambda m: 13 <= len(_digits(m)) <= 19 and luhn_valid(_digits(m))),
    ("phone", _PHONE, lambda m: 8 <= len(_digits(m)) <= 15 and not _DATE.fullmatch(m.strip())),
)


def redact(text: str) -> Redaction:
    """``text`` with every e-mail, IBAN, card number and phone number replaced by a tag.

    Kinds run in that order, so a card number is never half-taken for a phone
    number; a digit run that fails its checksum (an order number, a date) stays.
    """
    removed: dict[str, int] = {}
    for kind, pattern, valid in _RULES:

        def replace(
            match: re.Match[str], kind: str = kind, valid: Callable[[str], bool] = valid
        ) -> str:
            if not valid(match.group(0)):
                return match.group(0)
            removed[kind] = removed.get(kind, 0) + 1
            return f"[{kind.upper()}]"

        text = pattern.sub(replace, text)
    return Redaction(text, removed)
