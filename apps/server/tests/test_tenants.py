"""Key files and the tenants they open: every mistake is a start-up error naming its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hei_nw.server.tenants import KeyFileError, Tenants


def test_a_key_file_maps_each_key_to_one_tenant(tmp_path: Path) -> None:
    keys = tmp_path / "server.keys"
    keys.write_text("# two tenants\na-long-secret-key alice\nanother-secret-key bob  # note\n")
    tenants = Tenants.from_file(keys)
    assert tenants.names() == ["alice", "bob"]
    assert tenants.tenant_for("another-secret-key") == "bob"
    assert tenants.tenant_for("not-a-key-at-all") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a-long-secret-key alice\na-long-secret-key bob\n",
            ":2: this key was already given (to 'alice')",
        ),
        ("a-long-secret-key alice\nshort bob\n", ":2: an API key must be at least 8 characters"),
        ("a-long-secret-key ../alice\n", ":1: tenant '../alice' must be"),
        ("\n\na-long-secret-key\n", ":3: expected 'KEY TENANT'"),
        ("# nothing\n", "no API keys"),
    ],
)
def test_a_bad_key_file_names_its_line(tmp_path: Path, text: str, message: str) -> None:
    keys = tmp_path / "server.keys"
    keys.write_text(text)
    with pytest.raises(KeyFileError) as info:
        Tenants.from_file(keys)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_binary_key_file_is_named(tmp_path: Path) -> None:
    keys = tmp_path / "server.keys"
    keys.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(KeyFileError, match=f"{keys} is not UTF-8 text"):
        Tenants.from_file(keys)


def test_the_environment_variable_names_its_entry() -> None:
    with pytest.raises(KeyFileError, match="HEI_NW_API_KEYS entry 2: this key was already given"):
        Tenants.from_env("a-long-secret-key:alice,a-long-secret-key:bob")
