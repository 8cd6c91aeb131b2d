"""Redaction takes real private data and leaves look-alikes (dates, order numbers) alone."""

from __future__ import annotations

import pytest

from hei_nw.api import redact
from hei_nw.api.redact import iban_valid, luhn_valid


def test_checksums() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid(
        "GB83 WEST 1234 5698 7654 32"
    )


@pytest.mark.parametrize(
    ("text", "expected", "removed"),
    [
        ("mail dana.varn@lumen-mail.org now", "mail [EMAIL] now", {"email": 1}),
        ("call +44 20 7946 0958.", "call [PHONE].", {"phone": 1}),
        ("card 4111 1111 1111 1111 ok", "card [CARD] ok", {"card": 1}),
        ("IBAN GB82 WEST 1234 5698 7654 32 thanks", "IBAN [IBAN] thanks", {"iban": 1}),
        ("order 1234 5678 9012 3456", "order 1234 5678 9012 3456", {}),  # fails Luhn
        # What the red-team found slipping through: dotted card groups, an IBAN in lower
        # case or with dashes, an address with the full-width or small commercial at.
        ("card 4111.1111.1111.1111 ok", "card [CARD] ok", {"card": 1}),
        ("card 4111/1111/1111/1111 ok", "card [CARD] ok", {"card": 1}),
        ("card 4111_1111_1111_1111 ok", "card [CARD] ok", {"card": 1}),
        ("card 4111\u00a01111\u00a01111\u00a01111 ok", "card [CARD] ok", {"card": 1}),
        ("iban gb82 west 1234 5698 7654 32.", "iban [IBAN].", {"iban": 1}),
        ("to GB82-WEST-1234-5698-7654-32 now", "to [IBAN] now", {"iban": 1}),
        ("mail dana.varn\uff20lumen-mail.org now", "mail [EMAIL] now", {"email": 1}),
        ("mail dana.varn\ufe6blumen-mail.org now", "mail [EMAIL] now", {"email": 1}),
        ("iban gb83 west 1234 5698 7654 32", "iban gb83 west 1234 5698 7654 32", {}),  # mod 97
        ("on 2024-01-02 at port 5433, v2.5.4", "on 2024-01-02 at port 5433, v2.5.4", {}),
    ],
)
def test_redaction(text: str, expected: str, removed: dict[str, int]) -> None:
    result = redact(text)
    assert (result.text, result.removed) == (expected, removed)


NEAR_MISSES = [
    "Parcel tracking number 1Z 999 AA1 0123 4567 84 arrives Friday.",
    "UPS tracking 1Z999AA10123456784.",
    "Order 4829173650 ships tomorrow.",
    "Order no. 2024-118-55501 was refunded.",
    "Invoice #88812345 is due on 03/12/2026.",
    "Flight LH 4567 8901 boards at gate B12.",
    "Ticket 7012 3456 7890 for row 14.",
    "Booking reference 55 1234 5678.",
    "The meeting is on 2026-12-03 at 14:30.",
    "We met on 03.12.2026 and again on 12/04/2027.",
    "Upgrade to version 10.4.12.3345 before Monday.",
    "The printer is at 192.168.100.200 on the office network.",
    "Product code DE-4471-22-9981-X is out of stock.",
    "IBAN-like product code GB82WEST12345698765433 is a SKU.",
    "Serial 12345678901 is on the back.",
    "Membership 900 1234 5678 renews in May.",
    "Customer account 1234 5678 90 is closed.",
    "The ISBN is 978 0 306 40615 7.",
    "Case 20261203 is closed.",
    "Locker code A7 55512345 opens the gym locker.",
    "My library card number is 2100 4789 3321.",
]
HITS = [
    ("Call me on +44 20 7946 0958.", 1),
    ("Her mobile is 07700 900123.", 1),
    ("Ring 555-867-5309 after six.", 1),
    ("Office: (555) 867 5309.", 1),
    ("tel 030 1234 5678", 1),
    ("My number is 4915123456789, text me.", 1),
    ("Reach me at 0044 20 7946 0958 or +1 212 555 0199.", 2),
    ("Call the plumber, 020 7946 0000, before noon.", 1),
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_keep_every_character(text: str) -> None:
    result = redact(text)
    assert (result.text, result.removed) == (text, {})


@pytest.mark.parametrize(("text", "phones"), HITS)
def test_phone_numbers_are_removed(text: str, phones: int) -> None:
    result = redact(text)
    assert result.removed == {"phone": phones} and result.text.count("[PHONE]") == phones
    assert not any(char.isdigit() for char in result.text)


@pytest.mark.parametrize("unit", ["1.", "a.", "a@", "a@b.", "1-", "1 (", "AB12 ", "+1 "])
def test_adversarial_text_costs_linear_time(unit: str) -> None:
    """64 kB built to make a backtracking pattern quadratic (each start position
    rescanning the rest: "1." * 9999 once took 4.6 s) is redacted in well under a
    second; quadratic patterns take a minute on it."""
    import time

    text = unit * (64_000 // len(unit))
    began = time.perf_counter()
    redact(text)
    assert time.perf_counter() - began < 0.5
