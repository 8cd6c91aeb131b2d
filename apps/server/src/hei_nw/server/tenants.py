"""API keys and the tenants they open: each key maps to its own memory.

Keys come from a file (one ``KEY TENANT`` a line; ``#`` comments) or from
``HEI_NW_API_KEYS`` (``KEY:TENANT,KEY:TENANT``). Only their SHA-256 digests are
kept in memory after loading; a request's key is hashed and compared in
constant time. A tenant name becomes a folder name, so it must be a plain word.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from pathlib import Path

ENV = "HEI_NW_API_KEYS"
_TENANT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class KeyFileError(ValueError):
    """The keys cannot be read; the message is one line for users."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def tenant_tag(tenant: str) -> str:
    """A short tag for public episode ids: ``<tag>.<id>`` names a tenant without its name."""
    return hashlib.sha256(f"hei-nw/tenant/{tenant}".encode()).hexdigest()[:8]


class Tenants:
    """Key digests -> tenant names."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """``(where, key, tenant)`` entries; ``where`` names an entry in errors
        (``FILE:LINE``, or the environment variable's entry)."""
        self._by_digest: dict[str, str] = {}
        for where, key, tenant in entries:
            if len(key) < 8:
                raise KeyFileError(f"{where}: an API key must be at least 8 characters long")
            if not _TENANT.match(tenant):
                raise KeyFileError(
                    f"{where}: tenant {tenant!r} must be 1-64 letters, digits, '-' or '_' "
                    "(a folder name)"
                )
            known = self._by_digest.get(digest(key))
            if known is not None:  # one key for two tenants: whose memory would it open?
                raise KeyFileError(f"{where}: this key was already given (to {known!r})")
            self._by_digest[digest(key)] = tenant
        if not self._by_digest:
            raise KeyFileError(f"no API keys: pass --keys FILE or set {ENV}")

    @classmethod
    def from_file(cls, path: str | Path) -> Tenants:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise KeyFileError(f"cannot read the keys file {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise KeyFileError(f"the keys file {path} is not UTF-8 text") from None
        entries = []
        for number, line in enumerate(lines, start=1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) != 2:
                raise KeyFileError(f"{path}:{number}: expected 'KEY TENANT'")
            entries.append((f"{path}:{number}", words[0], words[1]))
        return cls(entries)

    @classmethod
    def from_env(cls, value: str | None = None) -> Tenants:
        text = os.environ.get(ENV, "") if value is None else value
        entries = []
        items = filter(None, (part.strip() for part in text.split(",")))
        for number, item in enumerate(items, start=1):
            key, sep, tenant = item.rpartition(":")
            if not sep:
                raise KeyFileError(f"{ENV}: expected KEY:TENANT, got {item!r}")
            entries.append((f"{ENV} entry {number}", key, tenant))
        return cls(entries)

    def tenant_for(self, key: str) -> str | None:
        """The tenant of ``key``, or None; compares digests in constant time."""
        wanted = digest(key)
        found = None
        for known, tenant in self._by_digest.items():
            if hmac.compare_digest(known, wanted):
                found = tenant
        return found

    def names(self) -> list[str]:
        return sorted(set(self._by_digest.values()))
