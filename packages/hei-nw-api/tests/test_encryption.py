"""Encryption at rest: nothing written is readable in the store's files without the key;
the wrong key or no key is a one-line error; rotation re-seals under a new key."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hei_nw.api import Memory, MemoryUsageError
from hei_nw.api.cli import main

SECRET = "The vault code is zebra-tangerine-4471."


def _plaintext_anywhere(folder: Path, needle: str) -> bool:
    return any(needle.encode() in path.read_bytes() for path in folder.rglob("*") if path.is_file())


def test_encrypted_store_files_hold_no_plaintext(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with Memory.open(tmp_path) as memory:
        written = memory.remember(SECRET, pin=True)
    assert not _plaintext_anywhere(tmp_path, "zebra-tangerine")
    with Memory.open(tmp_path) as again:  # the same key opens it
        assert again.get(written.id or "").text == SECRET
        assert again.recall("What is the vault code?")[0].id == written.id


def test_no_key_or_a_wrong_key_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with Memory.open(tmp_path) as memory:
        memory.remember(SECRET)
    monkeypatch.delenv("HEI_NW_ENCRYPTION_KEY")
    with pytest.raises(MemoryUsageError, match="holds encrypted episodes"):
        Memory.open(tmp_path)
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", Fernet.generate_key().decode())
    with pytest.raises(MemoryUsageError, match="does not open with this key"):
        Memory.open(tmp_path)
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", "not-a-key")
    with pytest.raises(MemoryUsageError, match="must hold Fernet keys"):
        Memory.open(tmp_path)


def test_rotation_reseals_under_the_new_key_and_encrypts_a_clear_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Memory.open(tmp_path) as memory:  # written in the clear
        kept = memory.remember(SECRET)
    assert _plaintext_anywhere(tmp_path, "zebra-tangerine")
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", old)
    assert main(["--store", str(tmp_path), "rotate-key"]) == 0
    assert "re-sealed" in capsys.readouterr().out
    assert not _plaintext_anywhere(tmp_path, "zebra-tangerine")
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", new)
    monkeypatch.setenv("HEI_NW_ENCRYPTION_OLD_KEYS", old)
    assert main(["--store", str(tmp_path), "rotate-key"]) == 0
    monkeypatch.delenv("HEI_NW_ENCRYPTION_OLD_KEYS")  # the old key is no longer needed
    with Memory.open(tmp_path) as memory:
        assert memory.get(kept.id or "").text == SECRET
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", old)
    with pytest.raises(MemoryUsageError):
        Memory.open(tmp_path)
