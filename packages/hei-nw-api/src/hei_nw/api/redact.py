"""Redaction before anything is written: e-mail addresses, phone numbers, payment card
numbers (Luhn-checked, so an order number is not taken for a card) and IBANs
(mod-97-checked). Each match is replaced by a tag such as ``[EMAIL]``; what was
removed is counted by kind in the episode's provenance, never stored.

Redaction must not destroy what it was not asked to remove. A run of digits is a
phone number only where it looks like one (:func:`looks_like_phone`): a tracking,
order, flight or ticket number, a code mixing letters and digits, a version or an
address on a network keeps every character.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_AT = "@\uff20\ufe6b"  # @, the full-width ＠ and the small ﹫: all read as "at"
_EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]+[{_AT}][\w-]+(?:\.[\w-]+)*\.[A-Za-z]{{2,}}\b")
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,30}\b")  # any case, spaced or dashed
_CARD = re.compile(r"(?<!\d)\d(?:[ .\-/_\u00a0]?\d){12,18}(?!\d)")  # any usual grouping
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{7,}\d(?!\w)")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_DOTTED = re.compile(r"\d+(?:\.\d+){2,}")  # versions 1.2.3, addresses 192.168.0.10
_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|tel|telephone|mobile|cell|ring|text|sms|whatsapp|fax|"
    r"(?:my|his|her|their|our|your) number is|"
    r"reach (?:me|him|her|them|us))\b\W*(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
_ID_WORDS = re.compile(
    r"\b(?:order|tracking|track|parcel|package|shipment|flight|ticket|booking|"
    r"confirmation|reference|ref|invoice|receipt|serial|sku|part|model|version|case|"
    r"claim|policy|membership|member|customer|account|loyalty|card|pnr|isbn|id|no|nr|#)"
    r"\W*(?:\w+\W+){0,2}$",
    re.IGNORECASE,
)
_CODE_TOKEN = re.compile(r"(?=\w*[A-Za-z])(?=\w*\d)\w+")  # AA1, 1Z, B12: letters and digits
_NANP = re.compile(r"\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}")  # 555-867-5309, (555) 867 5309


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
    compact = text.replace(" ", "").replace("-", "").upper()
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


@dataclass(frozen=True)
class Redaction:
    """The redacted text and how many of each kind were removed."""

    text: str
    removed: dict[str, int]


def looks_like_phone(match: re.Match[str]) -> bool:
    """Whether a run of 8-15 digits is a phone number, judged with the words around it.

    Never one: a date, a dotted version or network address, a run glued to a code of
    letters and digits ("1Z 999 AA1 2345 6784"), or one named as an identifier
    ("order", "tracking", "flight", "ticket", ...; the three words before it). Always
    one: a run named as a phone number ("call", "tel", "mobile", ...). Otherwise it
    must have a phone's shape: an international ``+``, a leading ``0`` or ``(``, or
    the North-American 3-3-4 grouping; a bare run of digits is an identifier."""
    number, text = match.group(0).strip(), match.string
    if not 8 <= len(_digits(number)) <= 15 or _DATE.fullmatch(number) or _DOTTED.fullmatch(number):
        return False
    before, after = text[: match.start()], text[match.end() :]
    neighbours = [*before.split()[-1:], *after.split()[:1]]
    if any(_CODE_TOKEN.fullmatch(w.strip(".,;:()[]")) for w in neighbours):
        return False
    window = before[-40:]
    if _PHONE_WORDS.search(window):
        return True
    if _ID_WORDS.search(window):
        return False
    return number[0] in "+(0" or bool(_NANP.fullmatch(number))


def _card(match: re.Match[str]) -> int | None:
    digits = _digits(match.group(0))
    return len(match.group(0)) if 13 <= len(digits) <= 19 and luhn_valid(digits) else None


def _iban(match: re.Match[str]) -> int | None:
    """The longest prefix of the match that is a valid IBAN (a match in lower case may run
    on into the next words: "gb82 west ... 32 now"), or None."""
    found = match.group(0)
    for end in range(len(found), 14, -1):
        if found[end - 1].isalnum() and iban_valid(found[:end]):
            return end
    return None


def _whole(valid: Callable[[re.Match[str]], bool]) -> Callable[[re.Match[str]], int | None]:
    return lambda match: len(match.group(0)) if valid(match) else None


_RULES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], int | None]], ...] = (
    ("email", _EMAIL, _whole(lambda _: True)),
    ("iban", _IBAN, _iban),
    ("card", _CARD, _card),
    ("phone", _PHONE, _whole(looks_like_phone)),
)
"""Kind, pattern, and how much of a match to remove (None: it is not one of that kind)."""


def redact(text: str) -> Redaction:
    """``text`` with every e-mail, IBAN, card number and phone number replaced by a tag.

    Kinds run in that order, so a card number is never half-taken for a phone
    number; a digit run that fails its checksum (an order number, a date) stays.
    """
    removed: dict[str, int] = {}
    for kind, pattern, valid in _RULES:

        def replace(
            match: re.Match[str],
            kind: str = kind,
            valid: Callable[[re.Match[str]], int | None] = valid,
        ) -> str:
            length = valid(match)
            if length is None:
                return match.group(0)
            removed[kind] = removed.get(kind, 0) + 1
            return f"[{kind.upper()}]" + match.group(0)[length:]

        text = pattern.sub(replace, text)
    return Redaction(text, removed)
