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
        ("on 2024-01-02 at port 5433, v2.5.4", "on 2024-01-02 at port 5433, v2.5.4", {}),
    ],
)
def test_redaction(text: str, expected: str, removed: dict[str, int]) -> None:
    result = redact(text)
    assert (result.text, result.removed) == (expected, removed)
