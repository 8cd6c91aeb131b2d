"""The write policy: what a memory lets in, which note a new one supersedes, when notes
expire, and what goes to make room.

It is given the store it writes and the engine the salience gate measures surprise
with, and never holds the :class:`~hei_nw.api.Memory` (the memory is the door: it checks
input and takes the locks, then hands the write here). The gate's rules live in
:mod:`hei_nw.api.gating`, updates in :mod:`hei_nw.api.history`, expiry in
:mod:`hei_nw.api.expiry`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from hei_nw.api.checks import UnknownEpisodeError
from hei_nw.api.defaults import MemorySettings
from hei_nw.api.expiry import Expiries
from hei_nw.api.gating import Gatekeeper, Written
from hei_nw.api.history import Lineage, detected_update
from hei_nw.api.lazy_engine import LazyEngine
from hei_nw.memory import Store, StoreError


class WritePolicy:
    """One memory's writes: the gate, the lines of superseding notes, expiries, eviction.
    Call its methods under the memory's write lock."""

    def __init__(self, settings: MemorySettings, store: Store, engine: LazyEngine) -> None:
        self.settings, self.store = settings, store
        self.gatekeeper = Gatekeeper(settings, store, engine)
        self.reload()

    def reload(self) -> None:
        """Read expiries and the lines of superseding notes from the store again."""
        self._seen = self.store.generation()
        episodes = self.store.episodes()
        self.expiry, self.lineage = Expiries(episodes), Lineage(episodes)

    def refresh(self) -> None:
        """Reload if another process changed the store since (a database shared by server
        replicas): an update declared on one replica is current on all of them."""
        if self.store.generation() != self._seen:
            self.reload()

    def _settled(self) -> None:
        """What this policy just did is what it knows: no reload for its own changes."""
        self._seen = self.store.generation()

    def write(
        self,
        text: str | None,
        trace: Mapping[str, Any] | None,
        key_text: str,
        *,
        pin: bool,
        reward: float,
        source: str,
        expiry: str | None,
        replaces: str | None,
        redaction: Mapping[str, int] | None,
    ) -> Written:
        """Write one cleaned episode if the gate lets it in; ``replaces`` (a stored id,
        checked here) makes it the current version of that note."""
        self.refresh()
        self.purge_expired()  # an expired note is gone: writing it again is new
        declared = replaces is not None
        if replaces is not None and replaces not in self.store:
            raise UnknownEpisodeError(replaces)
        if not declared and (similarity := self.settings.update_similarity) is not None:
            replaces = detected_update(key_text, self.store.nearest(key_text), similarity)
        replaces = None if replaces is None else self.lineage.current(replaces)
        redactions = dict(redaction or {})
        decision, existing = self.gatekeeper.decide(key_text, pin, reward)
        if not decision.write:
            verdict = decision.as_dict()
            return Written(None, False, decision.reason, redactions, verdict, (), existing)
        meta = {
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": source,
            "pin": bool(pin),
            "reward": float(reward),
            "redaction": dict(redaction) if redaction is not None else "off (opted out)",
            "gate": decision.as_dict(),
            "salience": decision.score,
            **({"expires_at": expiry} if expiry is not None else {}),
            **({"supersedes": replaces} if replaces is not None else {}),
            **({"update": "declared" if declared else "detected"} if replaces else {}),
        }
        episode_id = self.store.write(trace, text, meta)
        self.lineage.add(episode_id, meta)
        if expiry is not None:
            self.expiry.add(episode_id, expiry)
        evicted = self.gatekeeper.evict()
        if evicted:
            self.store.compact()  # an evicted episode leaves every file
            self.lineage.rebuild(self.store.episodes())
        self._settled()
        return Written(episode_id, True, decision.reason, redactions, decision.as_dict(), evicted)

    def forget(self, episode_id: str) -> None:
        """Delete an episode for good (compacted out of every file); the note it replaced,
        if any, is current again."""
        try:
            self.store.delete(episode_id)
        except StoreError:
            raise UnknownEpisodeError(episode_id) from None
        self.expiry.discard(episode_id)
        if not self.purge_expired():
            self.store.compact()
        self.lineage.rebuild(self.store.episodes())
        self._settled()

    def purge_expired(self) -> bool:
        """Delete the expired episodes and compact; whether there were any."""
        expired = self.expiry.due()
        for episode_id in expired:
            self.store.delete(episode_id)
            self.expiry.discard(episode_id)
        if expired:
            self.store.compact()
            self.lineage.rebuild(self.store.episodes())
            self._settled()
        return bool(expired)
