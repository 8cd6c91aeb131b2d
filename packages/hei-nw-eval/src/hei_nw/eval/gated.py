"""Live B1 through the write gate: the stream goes into a store by a policy, then questions.

Every policy writes the same number of segments (the number the rate-tracking
gate wrote), except ``write-all``, which writes everything but the system's own
output. Each question then recalls its ``k`` best segments from that policy's
store and the memory reader answers from them. Hygiene counts per policy:
near-duplicate writes (a write whose key is at least ``DUPLICATE_SIMILARITY``
like an earlier write) and writes of the system's own output (always 0: own
output is never a candidate).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.datasets.stream import Stream
from hei_nw.eval.gating import Candidate, online_writes, scores, top_k_writes
from hei_nw.memory import EpisodeStore, HashingEmbedder
from hei_nw.pack import pack_episodes

DUPLICATE_SIMILARITY = 0.9
POLICIES = ("gate", "write-all", "random", "surprise only", "novelty only")


@dataclass(frozen=True)
class PolicyWrites:
    """What one policy wrote, and the memories its store gives each question."""

    name: str
    written: list[int]
    memories: list[list[int]]
    summary: dict[str, Any]


def policy_writes(
    candidates: Sequence[Candidate], target_per_1k: float, seed: int
) -> dict[str, list[int]]:
    """The segment indices each policy writes, at the gate's own number of writes."""
    gate = online_writes(candidates, target_per_1k)["written"]
    allowed = [c.index for c in candidates if not c.own]
    budget = len(gate)
    return {
        "gate": gate,
        "write-all": allowed,
        "random": sorted(
            random.Random(f"hei-nw/gate/random/{seed}").sample(allowed, min(budget, len(allowed)))
        ),
        "surprise only": sorted(top_k_writes(scores(candidates, "surprise only"), budget)),
        "novelty only": sorted(top_k_writes(scores(candidates, "novelty only"), budget)),
    }


def live_memories(
    stream: Stream, written: Sequence[int], tokenizer: Any, cap: int, k: int, name: str
) -> PolicyWrites:
    """A store holding ``written`` (in stream order); each question's top ``k``, packed."""
    store = EpisodeStore(HashingEmbedder())
    duplicates = 0
    for index in written:
        text = stream.segments[index].text
        nearest = store.nearest(text)
        duplicates += nearest is not None and nearest[0] >= DUPLICATE_SIMILARITY
        store.write(None, text, {"segment": index})
    memories, found = [], 0
    for question in stream.questions:
        hits = store.recall(question["query"], k=k) if len(store) else []
        found += any(_about(stream, h.meta.get("segment"), question["id"]) for h in hits)
        memories.append(pack_episodes([h.text for h in hits], tokenizer, cap))
    segments = [stream.segments[i] for i in written]
    needed = sum(s.label for s in stream.segments)
    summary = {
        "writes": len(written),
        "needed_written": sum(s.label for s in segments),
        "needed_recall": sum(s.label for s in segments) / max(1, needed),
        "near_duplicate_writes": duplicates,
        "near_duplicate_share": duplicates / max(1, len(written)),
        "own_output_writes": sum(s.own for s in segments),
        "question_finds_its_fact": found / max(1, len(stream.questions)),
    }
    return PolicyWrites(name, list(written), memories, summary)


def _about(stream: Stream, index: object, fact: str) -> bool:
    return (
        isinstance(index, int)
        and stream.segments[index].fact == fact
        and stream.segments[index].label
    )
