"""What a memory lets in and what it lets go: hygiene, the write gate, eviction.

``settings.gate`` picks the policy:

* ``"off"`` - every candidate is written;
* ``"hygiene"`` (default, no model needed) - refuse restatements of a stored episode
  (naming the stored id: a write is idempotent) and text the system itself produced
  (its answers: deployed agent memories that re-store their own output fill up with junk);
* ``"salience"`` - hygiene, then :class:`hei_nw.memory.WriteGate` on measured
  surprise (the model's NLL of the text after the recent stream, as a z-score),
  novelty (1 - the nearest stored key's similarity), reward and pin.

With ``settings.capacity`` set, each write beyond it evicts the unpinned episode
of lowest decayed salience (salience halving every ``half_life`` writes).
"""

from __future__ import annotations

import difflib
import re
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hei_nw.memory import (
    Decision,
    Hit,
    Signals,
    Store,
    SurpriseWindow,
    WriteGate,
    decayed_salience,
)

if TYPE_CHECKING:
    from hei_nw.api.defaults import MemorySettings
    from hei_nw.api.lazy_engine import LazyEngine

GATES = ("off", "hygiene", "salience")
STREAM_CHARS = 2_000
"""The recent stream surprise is measured against: the last this many characters."""


SAME_WORDS = 0.9
"""Word-sequence match (difflib ratio) that makes two similar texts a restatement."""


@dataclass(frozen=True)
class Written:
    """What :meth:`Memory.remember` did: the new id, or why nothing was written; the
    gate's verdict (signals, score, threshold) and any episode evicted to make room.
    A restatement of a stored episode is not written again: ``existing_id`` names the
    episode that already holds it (so a retried write creates no duplicate)."""

    id: str | None
    written: bool
    reason: str
    redactions: dict[str, int] = field(default_factory=dict)
    gate: dict[str, object] = field(default_factory=dict)
    evicted: tuple[str, ...] = ()
    existing_id: str | None = None


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def normalise_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


class Gatekeeper:
    """One memory's gate state: its recent stream, its own output, its surprise window.
    Given the store it guards and the engine surprise is measured with (loaded only for
    the salience gate)."""

    def __init__(self, settings: MemorySettings, store: Store, engine: LazyEngine) -> None:
        if settings.gate not in GATES:
            raise ValueError(f"unknown gate {settings.gate!r}; choose from {', '.join(GATES)}")
        self.settings, self.store, self.engine = settings, store, engine
        self.gate = WriteGate(threshold=self.settings.gate_threshold)
        self.surprise = SurpriseWindow()
        self._own_output: deque[str] = deque(maxlen=512)
        self._stream: deque[str] = deque(maxlen=32)

    # -- what the memory saw and said ------------------------------------------------
    def produced(self, *texts: str) -> None:
        """Remember what the system said, so it is never written back as if a user had
        said it. (A recalled memory written back is a restatement of a stored episode.)"""
        self._own_output.extend(normalise(t) for t in texts if t.strip())

    def heard(self, text: str) -> None:
        """A question or note joins the recent stream surprise is measured against."""
        self._stream.append(text)

    # -- the decision -----------------------------------------------------------------
    def decide(self, text: str, pin: bool, reward: float) -> tuple[Decision, str | None]:
        """The verdict on ``text``, and the id of the stored episode it restates (if any).

        A restatement is checked first: the user wrote it, so it is named as what it
        is - already stored, under that id - even when the system once recalled it."""
        # One search serves both novelty (the nearest key) and the restatement check.
        hits = self.store.recall(text, 3)  # [] for an empty store
        novelty = 1.0 if not hits else max(0.0, 1.0 - hits[0].score)
        signals = Signals(surprise=0.0, novelty=novelty, reward=reward, pin=pin)
        score = self.gate.score(signals)
        context = "\n".join(self._stream)[-STREAM_CHARS:]
        self.heard(text)
        if self.settings.gate == "off":
            return Decision(True, score, float("-inf"), signals, "written (gate off)"), None
        restated = self._restated(text, hits)
        if restated is not None:
            refusal = (
                f"refused: near-duplicate of {restated.id} (similarity {restated.score:.2f}): "
                "already stored, nothing written"
            )
            return Decision(False, score, float("inf"), signals, refusal), restated.id
        if normalise(text) in self._own_output:
            refusal = "refused: the system's own output (an answer it gave)"
            return Decision(False, score, float("inf"), signals, refusal), None
        if self.settings.gate == "hygiene":
            reason = "written (hygiene gate: new, not the system's own output)"
            return Decision(True, score, float("-inf"), signals, reason), None
        from hei_nw.models import token_nll  # the model only for the salience gate

        engine = self.engine.get()
        mean_nll, _ = token_nll(engine.loaded.model, engine.tokenizer, text, context)
        signals = Signals(self.surprise.z(mean_nll), novelty, reward, pin)
        tokens = len(engine.tokenizer(text, add_special_tokens=False)["input_ids"])
        return self.gate.decide(signals, tokens), None

    def _restated(self, text: str, hits: list[Hit]) -> Hit | None:
        """The stored episode this text restates: keys at least ``duplicate_similarity``
        alike *and* the same words in nearly the same order (hashed keys are a bag of
        words: "client 3 note 1" and "client 1 note 3" share every key feature)."""
        words = normalise_words(text)
        for hit in hits:
            if hit.score < self.settings.duplicate_similarity:
                break
            if (
                difflib.SequenceMatcher(None, words, normalise_words(hit.text)).ratio()
                >= SAME_WORDS
            ):
                return hit
        return None

    # -- letting go -------------------------------------------------------------------
    def evict(self) -> tuple[str, ...]:
        """Delete the lowest decayed-salience unpinned episodes beyond capacity."""
        store, capacity = self.store, self.settings.capacity
        evicted: list[str] = []
        while capacity is not None and len(store) > capacity:
            episodes = store.episodes()
            newest = max(_order(e.id) for e in episodes)
            candidates = [e for e in episodes if not e.meta.get("pin")]
            if not candidates:
                break  # only pinned episodes left: pins are never evicted
            victim = min(
                candidates,
                key=lambda e: decayed_salience(
                    float(e.meta.get("salience", 1.0)),
                    newest - _order(e.id),
                    self.settings.half_life,
                ),
            )
            store.delete(victim.id)
            evicted.append(victim.id)
        return tuple(evicted)


def _order(episode_id: str) -> int:
    """Write order from an id ``ep-00000012``."""
    return int(episode_id.rsplit("-", 1)[-1])
