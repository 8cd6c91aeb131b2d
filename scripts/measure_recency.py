"""Which note recall reads first when a fact changed: the recency rule on the dev split.

Scenario B (an original fact and its update, both stored) and scenario D (the asked
event among near-collisions: the same person or thing at other places and dates),
dev vocabulary, held-out question forms. Each item's memory is written to one store
of hashed keys (as ``Memory`` stores notes), in order; each question recalls the top
8 and :func:`hei_nw.memory.prefer_recent` reorders them. Reported: how often the
first hit is the right note (B: the update; D: the asked event), for each window and
similarity, with Wilson intervals. No model is needed. Writes
``reports/defaults-dev/recency.json``.

    uv run python scripts/measure_recency.py           # n = 300 per scenario
"""

from __future__ import annotations

import argparse
from typing import Any

from bench_common import ROOT

from hei_nw.core import versions, write_json_atomic
from hei_nw.datasets import generate
from hei_nw.memory import EpisodeStore, HashingEmbedder, Hit, prefer_recent, render_text
from hei_nw.metrics import wilson_interval

WINDOWS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08)
SIMILARITIES = (0.5, 0.6, 0.7)
OUT = ROOT / "reports" / "defaults-dev" / "recency.json"


def recalled(scenario: str, n: int, seed: int) -> list[tuple[list[Hit], set[str]]]:
    """Each question's top 8 hits and the ids of its right note(s)."""
    store = EpisodeStore(HashingEmbedder(2048))
    records = generate(scenario, n, seed, split="dev", forms="heldout")
    right: list[set[str]] = []
    for record in records:
        texts = [m if isinstance(m, str) else render_text(m) for m in record["memory"]]
        ids = [store.write(None, text) for text in texts]  # as Memory stores notes
        gold = [i for i, t in zip(ids, texts, strict=True) if record["expected"] in t]
        right.append(set(gold[-1:]) if scenario == "B" else set(gold))  # B: the update
    return [(store.recall(r["query"], 8), g) for r, g in zip(records, right, strict=True)]


def first_right(
    cases: list[tuple[list[Hit], set[str]]],
    window: float,
    similarity: float,
    embedder: HashingEmbedder,
) -> dict[str, float]:
    hits = sum(prefer_recent(h, embedder, window, similarity)[0].id in g for h, g in cases)
    low, high = wilson_interval(hits, len(cases))
    return {"rate": hits / len(cases), "ci_low": low, "ci_high": high, "n": len(cases)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="items per scenario")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    embedder = HashingEmbedder(2048)
    cases = {s: recalled(s, args.n, args.seed) for s in ("B", "D")}
    grid: list[dict[str, Any]] = []
    for similarity in SIMILARITIES:
        for window in WINDOWS:
            row = {s: first_right(c, window, similarity, embedder) for s, c in cases.items()}
            grid.append({"window": window, "similarity": similarity, **row})
            print(
                f"window {window:.2f} similarity {similarity:.1f}: B update first "
                f"{row['B']['rate']:.3f}, D asked event first {row['D']['rate']:.3f}"
            )
    record = {
        "what": "first recalled note is the right one: B the update, D the asked event",
        "split": "dev",
        "forms": "heldout",
        "seed": args.seed,
        "n": args.n,
        "store": "hashing-2048, dense keys; every item's memory in one store, in order",
        "grid": grid,
        "versions": versions(),
    }
    write_json_atomic(OUT, record)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
