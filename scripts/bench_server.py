"""Load benchmark of the memory server with the default model on this machine.

A real server process (SmolLM2-135M-Instruct and the shipped reader) on 127.0.0.1;
``--clients`` concurrent clients, each sending ``--requests`` requests (every third
an ask, the rest writes, two tenants), then the same load with asks answered one
at a time (``--max-batch 1``) for the micro-batching ratio, in ``--rounds``
interleaved rounds; then ``kill -9`` during writes and a restart, counting lost
acknowledged writes. Writes ``reports/bench/server.json``.

    uv run python scripts/bench_server.py                       # 8 clients x 6 requests, 15 rounds
    uv run python scripts/bench_server.py --rounds 2 --clients 2  # a quick check
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench_common import machine, spread, write_result

from hei_nw.core import versions
from hei_nw.server.process import ServerProcess

KEYS = {"alpha": "bench-alpha-key", "beta": "bench-beta-key"}


def call(
    url: str, key: str, method: str, path: str, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def load(url: str, clients: int, requests: int, round_: int) -> dict[str, Any]:
    """Mixed writes and asks from ``clients`` threads; latencies by kind, errors, acks."""
    latencies: dict[str, list[float]] = {"write": [], "ask": []}
    errors, acknowledged = [0], []
    lock = threading.Lock()

    def client(n: int) -> None:
        tenant = list(KEYS)[n % 2]
        for i in range(requests):
            kind = "ask" if i % 3 == 2 else "write"
            began = time.perf_counter()
            if kind == "write":
                text = f"In round {round_}, client {n} parked the van in bay {n * 100 + i} on level {i % 5}."
                status, body = call(url, KEYS[tenant], "POST", "/v1/episodes", {"text": text})
            else:
                question = (
                    f"In round {round_}, where did client {n} park the van on level {(i - 1) % 5}?"
                )
                status, body = call(url, KEYS[tenant], "POST", "/v1/ask", {"question": question})
            elapsed = time.perf_counter() - began
            with lock:
                latencies[kind].append(elapsed)
                if status not in (200, 201):
                    errors[0] += 1
                elif kind == "write" and body.get("written"):
                    acknowledged.append(body["id"])

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - began
    return {
        "latencies": latencies,
        "errors": errors[0],
        "acknowledged": acknowledged,
        "wall_s": wall,
    }


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=20)
    return {"n": len(values), "p50": statistics.median(values), "p95": cuts[-1], "max": max(values)}


def kill_test(root: Path, writers: int = 4, before_kill: int = 40) -> dict[str, Any]:
    """Writers going, ``kill -9`` after ``before_kill`` acknowledgements, restart, count."""
    server = ServerProcess(root / "kill", KEYS)
    acknowledged: list[str] = []
    done = threading.Event()

    def writer(n: int) -> None:
        for i in range(10_000):
            if done.is_set():
                return
            try:
                status, body = call(
                    server.url, KEYS["alpha"], "POST", "/v1/episodes", {"text": f"w{n} e{i}"}
                )
            except OSError:
                return
            if status == 201 and body.get("written"):
                acknowledged.append(body["id"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < before_kill:
        time.sleep(0.01)
    server.kill()
    done.set()
    for thread in threads:
        thread.join()
    again = ServerProcess(root / "kill", KEYS)
    _, listed = call(again.url, KEYS["alpha"], "GET", "/v1/episodes")
    again.stop()
    present = {e["id"] for e in listed["episodes"]}
    return {
        "acknowledged": len(acknowledged),
        "lost": len(set(acknowledged) - present),
        "listed": len(present),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=6, help="requests per client per round")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds of each variant")
    args = parser.parse_args()
    provenance = versions()
    root = Path(tempfile.mkdtemp(prefix="hei-nw-bench-server-"))
    variants = {"batched": (), "one-at-a-time": ("--max-batch", "1")}
    servers = {name: ServerProcess(root / name, KEYS, *opts) for name, opts in variants.items()}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
    try:
        for round_ in range(args.rounds):
            order = list(variants) if round_ % 2 == 0 else list(reversed(variants))
            for name in order:
                runs[name].append(load(servers[name].url, args.clients, args.requests, round_))
                print(f"round {round_ + 1} {name}: {runs[name][-1]['wall_s']:.1f} s", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    results: dict[str, Any] = {}
    for name, rounds in runs.items():
        results[name] = {
            kind: percentiles([v for r in rounds for v in r["latencies"][kind]])
            for kind in ("write", "ask")
        }
        results[name]["errors"] = sum(r["errors"] for r in rounds)
        acks = [a for r in rounds for a in r["acknowledged"]]
        results[name]["duplicate_acknowledged_ids"] = len(acks) - len(set(acks))
    ratios = [
        b["wall_s"] / o["wall_s"]
        for b, o in zip(runs["batched"], runs["one-at-a-time"], strict=True)
    ]
    killed = kill_test(root)
    report = {
        "benchmark": "server",
        "model": "smollm2-135m-instruct-q4_1 + shipped reader",
        "load": {"clients": args.clients, "requests_per_client": args.requests, "rounds": args.rounds,
                 "mix": "2 writes : 1 ask, two tenants"},
        "results": results,
        "wall_ratio_batched_over_one_at_a_time": spread(ratios),
        "kill_9": killed,
        "machine": machine(),
        "versions": provenance,
    }  # fmt: skip
    path = write_result("server", report)
    for name, result in results.items():
        print(
            f"{name:>14}: write p50 {result['write']['p50'] * 1e3:.0f} ms p95 {result['write']['p95'] * 1e3:.0f} ms | "
            f"ask p50 {result['ask']['p50']:.2f} s p95 {result['ask']['p95']:.2f} s | errors {result['errors']}"
        )
    print(f"wall time batched / one-at-a-time: {spread(ratios)['median']:.2f} (n = {len(ratios)})")
    print(f"kill -9: {killed['acknowledged']} acknowledged, {killed['lost']} lost")
    print(path)


if __name__ == "__main__":
    main()
