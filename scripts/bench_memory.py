"""Episodic store at scale: P@1 by key kind, exact vs HNSW latency and recall, bytes per episode,
and the Hopfield ablation. Writes ``reports/bench/memory.json`` and ``memory.png``.

Episodes are scenario-A traces from the held-out vocabulary (each item's target
and one hard negative sharing two slots), plus unrelated filler traces up to the
store size; queries are the items' partial-cue questions (and scenario C's
paraphrased cues for the Hopfield ablation). Embeddings: all-MiniLM-L6-v2.

    uv run python scripts/bench_memory.py --sizes 1000,10000,100000 --queries 300
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from bench_common import BENCH_DIR, machine, spread, write_result

from hei_nw.core import git_state
from hei_nw.datasets import generate
from hei_nw.memory import (
    DGKeyer,
    Embedder,
    EpisodeStore,
    HashingEmbedder,
    HNSWSettings,
    VectorIndex,
    normalize_rows,
    render_text,
    rerank,
)
from hei_nw.memory.minilm import MiniLMEmbedder


def corpus(
    size: int, queries: int, scenario: str = "A", split: str = "test"
) -> tuple[list[str], list[str], list[int]]:
    """Episode texts, query texts and each query's target row."""
    records = generate(scenario, queries, 7, split=split)
    texts: list[str] = []
    targets: list[int] = []
    for record in records:
        targets.append(len(texts))
        texts.append(render_text(record["trace"]))
        texts += [render_text(d["trace"]) for d in record["distractors"]]
    filler = generate("A", max(0, size - len(texts)), 99, split=split)
    texts += [render_text(r["trace"]) for r in filler]
    return texts[:size], [r["query"] for r in records], targets


def p_at_1(index: VectorIndex, queries: np.ndarray, targets: list[int]) -> float:
    _, rows = index.search(queries, 1)
    return float(np.mean([int(r[0]) == t for r, t in zip(rows, targets, strict=True)]))


def collision_rate(keys: np.ndarray, sample: int = 500, threshold: float = 0.95) -> float:
    """Share of episodes whose nearest *other* key has cosine >= ``threshold``."""
    rows = keys[:sample]
    scores = rows @ keys.T
    np.fill_diagonal(scores[:, : len(rows)], -1.0)
    return float(np.mean(scores.max(axis=1) >= threshold))


def timed_search(index: VectorIndex, queries: np.ndarray, k: int) -> list[float]:
    latencies = []
    for q in queries:
        began = time.perf_counter()
        index.search(q[None], k)
        latencies.append(time.perf_counter() - began)
    return latencies


def store_bytes_per_episode(texts: list[str], embedder: Embedder, count: int = 500) -> float:
    """Bytes on disk per episode of a saved store folder (log, keys, exact index)."""
    with tempfile.TemporaryDirectory() as folder:
        store = EpisodeStore(embedder, Path(folder) / "s")
        for text in texts[:count]:
            store.write({"who": text, "what": "", "where": "", "when": ""}, text=text)
        store.save()
        total = sum(p.stat().st_size for p in (Path(folder) / "s").iterdir())
        return total / len(store)


def index_bytes_per_episode(index: VectorIndex) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.faiss"
        index.write(str(path))
        return path.stat().st_size / len(index)


def embedders() -> dict[str, Embedder]:
    return {"minilm": MiniLMEmbedder(), "hashing": HashingEmbedder(2048)}


def key_sets(
    embedder: Embedder, texts: list[str], questions: list[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(episode keys, query keys) for dense and DG keys over ``embedder``."""
    episodes, queries = embedder.encode(texts), embedder.encode(questions)
    dg = DGKeyer(embedder.dim)
    return {
        "dense": (normalize_rows(episodes), normalize_rows(queries)),
        "dg": (dg.keys(episodes), dg.keys(queries)),
    }


def selection(queries: int) -> dict[str, float]:
    """P@1 at 10k episodes on the *train* vocabulary: where the default is chosen."""
    texts, questions, targets = corpus(10_000, queries, split="train")
    out = {}
    for name, embedder in embedders().items():
        for kind, (keys, query_keys) in key_sets(embedder, texts, questions).items():
            index = VectorIndex(keys.shape[1], force="exact")
            index.add(keys)
            out[f"{name}/{kind}"] = p_at_1(index, query_keys, targets)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--minilm-max", type=int, default=10_000, help="largest store MiniLM keys")
    args = parser.parse_args()
    chosen = selection(args.queries)
    print("selection (train vocabulary, 10k):", chosen)
    sizes = [int(s) for s in args.sizes.split(",")]
    texts, questions, targets = corpus(max(sizes), args.queries)
    results: dict[str, Any] = {"selection_train_split_10k": chosen, "sizes": {}}
    all_keys: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, embedder in embedders().items():
        began = time.monotonic()
        # MiniLM on 2 CPU cores embeds ~300 texts/s: it is measured up to --minilm-max only.
        count = len(texts) if name == "hashing" else min(len(texts), args.minilm_max)
        for kind, pair in key_sets(embedder, texts[:count], questions).items():
            all_keys[f"{name}/{kind}"] = pair
        results[f"embed_and_key_s_per_episode_{name}"] = (time.monotonic() - began) / count
    best = max(chosen, key=lambda key: chosen[key])
    results["default"] = best
    for size in sizes:
        row: dict[str, Any] = {}
        for name, (keys, query_keys) in all_keys.items():
            if len(keys) < size:
                continue
            exact = VectorIndex(keys.shape[1], force="exact")
            exact.add(keys[:size])
            row[f"p_at_1/{name}"] = p_at_1(exact, query_keys, targets)
            row[f"collision_rate/{name}"] = collision_rate(keys[:size])
        keys, query_keys = all_keys[best]
        exact = VectorIndex(keys.shape[1], force="exact")
        hnsw = VectorIndex(keys.shape[1], force="hnsw", hnsw=HNSWSettings())
        exact.add(keys[:size])
        hnsw.add(keys[:size])
        _, truth = exact.search(query_keys, args.k)
        _, found = hnsw.search(query_keys, args.k)
        row["hnsw_recall_at_k_vs_exact"] = float(
            np.mean([len(set(a) & set(b)) / args.k for a, b in zip(truth, found, strict=True)])
        )
        row["p_at_1_default_hnsw"] = p_at_1(hnsw, query_keys, targets)
        for name, index in (("exact", exact), ("hnsw", hnsw)):
            latencies = sorted(timed_search(index, query_keys, 4))
            row[f"latency_{name}_ms"] = {
                "p50": 1e3 * latencies[len(latencies) // 2],
                "p95": 1e3 * latencies[int(0.95 * (len(latencies) - 1))],
                "spread": spread([1e3 * x for x in latencies]),
            }
        row["index_bytes_per_episode"] = {
            "exact": index_bytes_per_episode(exact),
            "hnsw": index_bytes_per_episode(hnsw),
        }
        results["sizes"][str(size)] = row
        print(size, {k: v for k, v in row.items() if not isinstance(v, dict)})
    results["store_folder_bytes_per_episode"] = store_bytes_per_episode(
        texts, HashingEmbedder(2048)
    )
    results["hopfield"] = hopfield_ablation(best)
    write_result(
        "memory",
        {"machine": machine(), "git": git_state(), "queries": args.queries, "k": args.k, **results},
    )
    plot(results, BENCH_DIR / "memory.png")


def hopfield_ablation(keys_name: str, size: int = 2000, candidates: int = 16) -> dict[str, Any]:
    """P@1 with and without re-ranking the top candidates by a completed cue, on A and C."""
    embedder = embedders()[keys_name.split("/")[0]]
    out: dict[str, Any] = {"keys": keys_name, "candidates": candidates, "episodes": size}
    for scenario in ("A", "C"):
        texts, questions, targets = corpus(size, 300, scenario)
        keys, queries = key_sets(embedder, texts, questions)[keys_name.split("/")[1]]
        index = VectorIndex(keys.shape[1], force="exact")
        index.add(keys)
        _, rows = index.search(queries, candidates)
        row: dict[str, Any] = {
            "p_at_1_plain": float(
                np.mean([int(r[0]) == t for r, t in zip(rows, targets, strict=True)])
            )
        }
        for beta in (4.0, 8.0, 16.0):
            for steps in (1, 2, 3):
                hits = [
                    int(r[int(np.argmax(rerank(q, keys[r], beta, steps)))]) == t
                    for q, r, t in zip(queries, rows, targets, strict=True)
                ]
                row[f"p_at_1_beta{beta:g}_steps{steps}"] = float(np.mean(hits))
        out[scenario] = row
        print("hopfield", scenario, row)
    return out


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(int(s) for s in results["sizes"])
    rows = [results["sizes"][str(s)] for s in sizes]
    fig, (p_axis, t_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for name in rows[0]:
        if name.startswith("p_at_1/"):
            points = [(s, r[name]) for s, r in zip(sizes, rows, strict=True) if name in r]
            xs, ys = zip(*points, strict=True)
            p_axis.plot(xs, ys, "o-", label=name.removeprefix("p_at_1/") + " (exact)")
    p_axis.plot(
        sizes, [r["p_at_1_default_hnsw"] for r in rows], "s--", label=f"{results['default']} (HNSW)"
    )
    p_axis.set(
        xscale="log",
        xlabel="episodes in store",
        ylabel="P@1 (scenario A, held-out names)",
        ylim=(0, 1),
    )
    for name in ("exact", "hnsw"):
        t_axis.plot(
            sizes, [r[f"latency_{name}_ms"]["p95"] for r in rows], "o-", label=f"{name} p95"
        )
    t_axis.set(xscale="log", yscale="log", xlabel="episodes in store", ylabel="recall latency (ms)")
    p_axis.legend()
    t_axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
