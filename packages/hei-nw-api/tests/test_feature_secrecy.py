"""Encryption hides words: with a key set, the index's stored keys are made with a keyed
feature hash, so a dictionary attack on them recovers nothing; rotating the key (or
first encrypting a store) recomputes them; the store's own recall keeps working."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import numpy as np
import pytest

from hei_nw.api import Memory
from hei_nw.memory import HashingEmbedder

SECRET_WORDS = ["marmalade", "quixotic", "zeppelin"]
NOTE = "The vault password is " + " ".join(SECRET_WORDS) + "."


def dictionary(size: int = 2_000) -> list[str]:
    """Plausible candidate words, the secret ones among them."""
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) for _ in range(size)}
    return sorted(words | set(SECRET_WORDS) | {"vault", "password"})


def attack(store_folder: Path, words: list[str]) -> list[str]:
    """The ten candidates whose unkeyed features best match any stored key."""
    keys = np.load(store_folder / "keys.npy")  # (episodes, dim)
    probes = HashingEmbedder(keys.shape[1]).encode(words)  # (words, dim), the public hash
    best = (probes @ keys.T).max(axis=1)  # (words,)
    return [words[i] for i in np.argsort(-best)[:10]]


def fixed_key(seed: int) -> str:
    """A Fernet key made from a seed: a random key would make the attack's top ten (and
    so this test) differ from run to run; a fixed one keeps it reproducible."""
    return base64.urlsafe_b64encode(random.Random(seed).randbytes(32)).decode()


def fill(memory: Memory) -> str:
    for i in range(20):
        memory.remember(f"Note {i}: the meeting with client {i} is in room {i * 3}.")
    written = memory.remember(NOTE)
    assert written.id is not None
    return written.id


def test_a_dictionary_attack_reads_a_clear_stores_keys(tmp_path: Path) -> None:
    """The control: without a key the attack works, so the next test can fail."""
    with Memory.open(tmp_path) as memory:
        fill(memory)
    assert set(SECRET_WORDS) <= set(attack(tmp_path / "store", dictionary()))


@pytest.mark.parametrize("how", ["encrypted from the start", "encrypted by rotate-key"])
def test_a_dictionary_attack_recovers_nothing_from_an_encrypted_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    key = fixed_key(1)
    if how == "encrypted from the start":
        monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", key)
    with Memory.open(tmp_path) as memory:
        secret_id = fill(memory)
    if how == "encrypted by rotate-key":
        monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", key)
        with Memory.open(tmp_path) as memory:
            memory.rotate_key()
    recovered = set(attack(tmp_path / "store", dictionary()))
    assert not recovered & {*SECRET_WORDS, "vault", "password"}
    with Memory.open(tmp_path) as again:  # the key's own recall still finds it
        assert again.recall("What is the vault password?")[0].id == secret_id
    new_key = fixed_key(2)
    monkeypatch.setenv("HEI_NW_ENCRYPTION_KEY", new_key)
    monkeypatch.setenv("HEI_NW_ENCRYPTION_OLD_KEYS", key)
    with Memory.open(tmp_path) as rotated:
        rotated.rotate_key()
    monkeypatch.delenv("HEI_NW_ENCRYPTION_OLD_KEYS")
    with Memory.open(tmp_path) as again:  # keys recomputed under the new key
        assert again.recall("What is the vault password?")[0].id == secret_id
    assert not set(attack(tmp_path / "store", dictionary())) & set(SECRET_WORDS)
