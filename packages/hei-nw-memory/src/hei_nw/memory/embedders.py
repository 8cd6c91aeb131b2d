"""Embedders: texts -> vectors, passed in through a small protocol.

The store never imports a model library itself. :class:`HashingEmbedder` is a
real, dependency-free embedder (hashed character trigrams and words) - the kind
of key the original HEI-NW used; :class:`hei_nw.memory.minilm.MiniLMEmbedder`
(extra ``[minilm]``) is the dense sentence embedder used by default.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to float32 vectors ``(len(texts), dim)``."""

    @property
    def dim(self) -> int: ...

    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalise each row (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalized: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalized


class HashingEmbedder:
    """Bag of lower-cased words and character trigrams, hashed into ``dim`` buckets.

    Deterministic across processes (BLAKE2 hashes, not Python's ``hash``), needs
    nothing but numpy, and matches exact strings well - but knows no synonyms.

    With a ``secret`` the hash is keyed (BLAKE2's own MAC mode): without the secret,
    nobody can tell which bucket a word lands in, so stored keys do not give the words
    of an encrypted episode away to a dictionary attack. The name carries a short
    fingerprint of the secret, so a store knows when its keys were made under another.
    """

    def __init__(self, dim: int = 1024, secret: bytes | None = None) -> None:
        if dim <= 0:
            raise ValueError(f"dim must be positive, got {dim}")
        if secret is not None and not 1 <= len(secret) <= 64:
            raise ValueError("a feature secret is 1 to 64 bytes (a BLAKE2 key)")
        self._dim = dim
        self._secret = secret or b""

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def name(self) -> str:
        if not self._secret:
            return f"hashing-{self._dim}"
        fingerprint = hashlib.blake2b(b"fingerprint", key=self._secret, digest_size=4).hexdigest()
        return f"hashing-{self._dim}-keyed-{fingerprint}"

    def _features(self, text: str) -> list[str]:
        words = re.findall(r"\w+", text.lower())
        grams = [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
        return [f"w:{w}" for w in words] + [f"g:{g}" for g in grams]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text):
                digest = hashlib.blake2b(feature.encode(), digest_size=8, key=self._secret).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self._dim] += 1.0 if (value >> 63) & 1 else -1.0
        return normalize_rows(out)


EMBEDDERS = ("hashing", "minilm")
"""The embedders a setting can name (``MemorySettings.embedder``, ``--store-embedder``)."""


def make_embedder(name: str, dim: int = 2048, secret: bytes | None = None) -> Embedder:
    """The embedder ``name`` names: ``"hashing"`` (words + character trigrams into ``dim``
    buckets, keyed by ``secret`` when given) or ``"minilm"`` (all-MiniLM-L6-v2, 384-d, from
    the ``[minilm]`` extra; its keys are not keyed, so ``secret`` is not used)."""
    if name == "hashing":
        return HashingEmbedder(dim, secret=secret)
    if name == "minilm":
        from hei_nw.memory.minilm import MiniLMEmbedder  # torch and transformers, only now

        return MiniLMEmbedder()
    raise ValueError(f"unknown embedder {name!r}; choose from {', '.join(EMBEDDERS)}")
