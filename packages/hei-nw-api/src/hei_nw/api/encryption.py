"""Encryption at rest: episode text (and its trace and provenance) sealed with Fernet.

The key comes from the environment, never from a file beside the store:
``HEI_NW_ENCRYPTION_KEY`` (a Fernet key: ``python -c "from cryptography.fernet import
Fernet; print(Fernet.generate_key().decode())"``), and during a rotation
``HEI_NW_ENCRYPTION_OLD_KEYS`` (comma-separated) so entries sealed with an old key still
open. ``hei-nw rotate-key`` then re-seals every entry under the current key
(:meth:`hei_nw.memory.EpisodeStore.reseal`: a temporary file, synced, renamed).

The keys the index searches are bags of hashed word features. With a key set, the
hash is keyed by a secret derived from it (:func:`feature_secret`), so the stored
keys reveal no words to a dictionary attack; a store opened under another key (or
first encrypted) has its keys recomputed.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.fernet import Fernet, MultiFernet

KEY_ENV = "HEI_NW_ENCRYPTION_KEY"
OLD_KEYS_ENV = "HEI_NW_ENCRYPTION_OLD_KEYS"


class EncryptionKeyError(ValueError):
    """A key in the environment is not a Fernet key; one line for users."""


def feature_secret() -> bytes | None:
    """The secret that keys the word-feature hash, derived from the current key (None
    without one). A separate derivation: the feature hash never sees the Fernet key."""
    current = os.environ.get(KEY_ENV, "").strip()
    if not current:
        return None
    return hashlib.sha256(b"hei-nw/feature-hash/" + current.encode()).digest()


def cipher_from_env() -> MultiFernet | None:
    """The current key first (it seals), then old ones (they only open); None without a key."""
    current = os.environ.get(KEY_ENV, "").strip()
    if not current:
        return None
    old = [k.strip() for k in os.environ.get(OLD_KEYS_ENV, "").split(",") if k.strip()]
    try:
        return MultiFernet([Fernet(key.encode()) for key in (current, *old)])
    except ValueError:
        raise EncryptionKeyError(
            f"{KEY_ENV} / {OLD_KEYS_ENV} must hold Fernet keys (32 url-safe base64 bytes)"
        ) from None


def cipher_to_seal_with() -> MultiFernet:
    """The environment's cipher for re-sealing: a key must be set."""
    cipher = cipher_from_env()
    if cipher is None:
        raise EncryptionKeyError(f"set {KEY_ENV} to the key to seal with")
    return cipher
