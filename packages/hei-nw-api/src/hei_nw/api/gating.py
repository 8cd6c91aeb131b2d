"""What a memory lets in and what it lets go: hygiene, the write gate, eviction.

``settings.gate`` picks the policy:

* ``"off"`` - every candidate is written;
* ``"hygiene"`` (default, no model needed) - refuse text the system itself produced
  (its answers and the memories it recalled: deployed agent memories that re-store
  their own output fill up with junk) and near-duplicates of a stored episode;
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
from typing import TYPE_CHECKING

from hei_nw.memory import (
    Decision,
    EpisodeStore,
    Hit,
    Signals,
    SurpriseWindow,
    WriteGate,
    decayed_salience,
)
from hei_nw.models import token_nll

if TYPE_CHECKING:
    from hei_nw.api.memory import Memory

GATES = ("off", "hygiene", "salience")
STREAM_CHARS = 2_000
"""The recent stream surprise is measured against: the last this many characters."""


SAME_WORDS = 0.9
"""Word-sequence match (difflib ratio) that makes two similar texts a restatement."""


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def normalise_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


class Gatekeeper:
    """One memory's gate state: its recent stream, its own output, its surprise window."""

    def __init__(self, memory: Memory) -> None:
        if memory.settings.gate not in GATES:
            raise ValueError(
                f"unknown gate {memory.settings.gate!r}; choose from {', '.join(GATES)}"
            )
        self.memory = memory
        self.settings = memory.settings
        self.gate = WriteGate(threshold=self.settings.gate_threshold)
        self.surprise = SurpriseWindow()
        self._own_output: deque[str] = deque(maxlen=512)
        self._stream: deque[str] = deque(maxlen=32)

    # -- what the memory saw and said ------------------------------------------------
    def produced(self, *texts: str) -> None:
        """Remember what the system said or recalled, so it is never written back."""
        self._own_output.extend(normalise(t) for t in texts if t.strip())

    def heard(self, text: str) -> None:
        """A question or note joins the recent stream surprise is measured against."""
        self._stream.append(text)

    # -- the decision -----------------------------------------------------------------
    def decide(self, text: str, pin: bool, reward: float) -> Decision:
        # One search serves both novelty (the nearest key) and the restatement check.
        hits = self.memory.store.recall(text, 3)  # [] for an empty store
        novelty = 1.0 if not hits else max(0.0, 1.0 - hits[0].score)
        signals = Signals(surprise=0.0, novelty=novelty, reward=reward, pin=pin)
        score = self.gate.score(signals)
        context = "\n".join(self._stream)[-STREAM_CHARS:]
        self.heard(text)
        if self.settings.gate == "off":
            return Decision(True, score, float("-inf"), signals, "written (gate off)")
        if normalise(text) in self._own_output:
            return Decision(
                False,
                score,
                float("inf"),
                signals,
                "refused: the system's own output (an answer or a recalled memory)",
            )
        duplicate = self._duplicate_of(text, hits)
        if duplicate is not None:
            refusal = f"refused: near-duplicate of {duplicate}"
            return Decision(False, score, float("inf"), signals, refusal)
        if self.settings.gate == "hygiene":
            return Decision(
                True,
                score,
                float("-inf"),
                signals,
                "written (hygiene gate: new, not the system's own output)",
            )
        engine = self.memory.engine
        mean_nll, _ = token_nll(engine.loaded.model, engine.tokenizer, text, context)
        signals = Signals(self.surprise.z(mean_nll), novelty, reward, pin)
        tokens = len(engine.tokenizer(text, add_special_tokens=False)["input_ids"])
        return self.gate.decide(signals, tokens)

    def _duplicate_of(self, text: str, hits: list[Hit]) -> str | None:
        """A stored episode this text restates: keys at least ``duplicate_similarity``
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
                return f"{hit.id} (similarity {hit.score:.2f})"
        return None

    # -- letting go -------------------------------------------------------------------
    def evict(self, store: EpisodeStore) -> tuple[str, ...]:
        """Delete the lowest decayed-salience unpinned episodes beyond capacity."""
        capacity = self.settings.capacity
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
