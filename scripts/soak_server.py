"""Soak the memory server: steady mixed load for a bounded time, sampled every interval.

A real server process (the default model and reader) on 127.0.0.1 serves four tenants;
``--clients`` clients write, ask, list and forget at a steady pace for ``--minutes``.
Every ``--sample-s`` seconds: p50/p95 latency by kind, the server's RSS and open files,
episodes stored and errors. At the end the server is stopped and started again, and
every acknowledged write not forgotten must be listed. Pass: no error, RSS at the end
within ``--rss-bound`` of the first sample after warm-up, the ask p50 of the last ten
samples within 10% (or 50 ms) of the first ten's after warm-up, nothing lost. Writes
``reports/bench/soak.json`` and ``soak.png``.

    uv run python scripts/soak_server.py --minutes 60
    uv run python scripts/soak_server.py --minutes 1 --sample-s 10   # a quick check
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench_common import BENCH_DIR, machine, write_result
from bench_server import call

from hei_nw.core import versions
from hei_nw.server.process import ServerProcess

TENANTS = {f"t{n}": f"soak-key-{n}-0123" for n in range(4)}
KINDS = ("write", "ask", "list", "forget")
MIX = (0.5, 0.25, 0.15, 0.10)


class Ledger:
    """What the clients did, shared between their threads and the sampler."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {k: [] for k in KINDS}
        self.errors: list[str] = []
        self.alive: dict[str, set[str]] = {t: set() for t in TENANTS}
        self.acknowledged: list[str] = []  # every id a write was acknowledged with

    def take(self) -> tuple[dict[str, list[float]], int]:
        with self.lock:
            taken = self.latencies
            self.latencies = {k: [] for k in KINDS}
            return taken, len(self.errors)


def client(url: str, n: int, ledger: Ledger, stop: threading.Event, pace_s: float) -> None:
    rng = random.Random(n)
    tenant = list(TENANTS)[n % len(TENANTS)]
    key = TENANTS[tenant]
    count = 0
    while not stop.is_set():
        kind = rng.choices(KINDS, MIX)[0]
        with ledger.lock:
            mine = sorted(ledger.alive[tenant])
        began = time.perf_counter()
        if kind == "write":
            count += 1
            status, body = call(
                url,
                key,
                "POST",
                "/v1/episodes",
                {"text": f"Client {n} note {count}: locker {rng.randrange(10**6)}."},
            )
            ok = status == 201
        elif kind == "ask":
            status, body = call(
                url,
                key,
                "POST",
                "/v1/ask",
                {"question": f"What is in client {n} note {rng.randrange(1, count + 2)}?"},
            )
            ok = status == 200
        elif kind == "list":
            status, body = call(url, key, "GET", "/v1/episodes")
            ok = status == 200
        else:
            victim = rng.choice(mine) if mine else None
            status, body = (
                (200, {}) if victim is None else call(url, key, "DELETE", f"/v1/episodes/{victim}")
            )
            ok = status == 200
        elapsed = time.perf_counter() - began
        with ledger.lock:
            ledger.latencies[kind].append(elapsed)
            if not ok:
                ledger.errors.append(f"{kind} {status}")
            elif kind == "write":
                ledger.alive[tenant].add(body["id"])
                ledger.acknowledged.append(body["id"])
            elif kind == "forget" and mine:
                ledger.alive[tenant].discard(victim)
        stop.wait(max(0.0, pace_s - elapsed))


def process_state(pid: int) -> dict[str, float]:
    """RSS (MB) and open files of the server process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    return {"rss_mb": rss_kb / 1024, "open_files": len(list(Path(f"/proc/{pid}/fd").iterdir()))}


def sample(server: ServerProcess, ledger: Ledger, began: float) -> dict[str, Any]:
    taken, errors = ledger.take()
    stats = {
        kind: {
            "n": len(v),
            "p50_ms": 1e3 * statistics.median(v) if v else None,
            "p95_ms": 1e3 * sorted(v)[int(0.95 * (len(v) - 1))] if v else None,
        }
        for kind, v in taken.items()
    }
    with ledger.lock:
        stored = sum(len(s) for s in ledger.alive.values())
    return {
        "minute": (time.monotonic() - began) / 60,
        **process_state(server.process.pid),
        "episodes": stored,
        "errors": errors,
        "latency": stats,
    }


def _window_p50(window: list[dict[str, Any]], kind: str) -> float | None:
    """The median of the window's per-sample p50 latencies (ms) of ``kind``."""
    values = [s["latency"][kind]["p50_ms"] for s in window if s["latency"][kind]["p50_ms"]]
    return statistics.median(values) if values else None


def verdict(
    samples: list[dict[str, Any]], lost: int, errors: int, rss_bound: float, duplicates: int = 0
) -> dict[str, Any]:
    """Pass or fail. Start and end are windows of up to ten samples (the first sample,
    the warm-up, left out): one minute's median of ~60 asks moves by tens of ms."""
    start, end = samples[1:11] or samples[:1], samples[-10:]
    start_ask, end_ask = _window_p50(start, "ask"), _window_p50(end, "ask")
    latency_ok = (
        start_ask is None or end_ask is None or end_ask <= max(1.1 * start_ask, start_ask + 50)
    )
    rss_ok = end[-1]["rss_mb"] <= start[0]["rss_mb"] * (1 + rss_bound)
    return {
        "no_errors": errors == 0,
        "rss_start_mb": start[0]["rss_mb"],
        "rss_end_mb": end[-1]["rss_mb"],
        "rss_within_bound": rss_ok,
        "rss_bound": f"+{100 * rss_bound:.0f}% of the first sample after warm-up",
        "ask_p50_start_ms": start_ask,
        "ask_p50_end_ms": end_ask,
        "ask_latency_end_within_10pct_or_50ms": latency_ok,
        "nothing_lost": lost == 0,
        "no_id_given_twice": duplicates == 0,
        "passed": errors == 0 and rss_ok and latency_ok and lost == 0 and duplicates == 0,
    }


def plot(samples: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = [s["minute"] for s in samples]
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for kind in KINDS:
        axes[0].plot(minutes, [s["latency"][kind]["p95_ms"] for s in samples], label=f"{kind} p95")
    axes[0].set(xlabel="minute", ylabel="ms", title="latency (p95)", yscale="log")
    axes[0].legend(fontsize=7)
    axes[1].plot(minutes, [s["rss_mb"] for s in samples], label="RSS (MB)")
    axes[1].plot(minutes, [s["open_files"] for s in samples], label="open files")
    axes[1].set(xlabel="minute", title="server process")
    axes[1].legend(fontsize=7)
    axes[2].plot(minutes, [s["episodes"] for s in samples], label="episodes stored")
    axes[2].plot(minutes, [s["errors"] for s in samples], label="errors (cumulative)")
    axes[2].set(xlabel="minute", title="store and errors")
    axes[2].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="how long the load runs")
    parser.add_argument("--sample-s", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument(
        "--pace-s", type=float, default=1.0, help="each client's seconds per request"
    )
    parser.add_argument("--rss-bound", type=float, default=0.25, help="allowed RSS growth (share)")
    parser.add_argument("--out", default="soak", help="reports/bench/<out>.json and .png")
    args = parser.parse_args()
    provenance = versions()
    root = Path(tempfile.mkdtemp(prefix="hei-nw-soak-"))
    server = ServerProcess(root / "store", TENANTS)
    ledger, stop = Ledger(), threading.Event()
    threads = [
        threading.Thread(target=client, args=(server.url, n, ledger, stop, args.pace_s))
        for n in range(args.clients)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    samples = []
    try:
        while time.monotonic() - began < 60 * args.minutes:
            time.sleep(min(args.sample_s, max(0.0, 60 * args.minutes - (time.monotonic() - began))))
            samples.append(sample(server, ledger, began))
            print(
                samples[-1]["minute"],
                samples[-1]["rss_mb"],
                samples[-1]["latency"]["ask"],
                flush=True,
            )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=300)
        server.stop()
    again = ServerProcess(root / "store", TENANTS)
    try:
        listed = {
            t: {e["id"] for e in call(again.url, key, "GET", "/v1/episodes")[1]["episodes"]}
            for t, key in TENANTS.items()
        }
    finally:
        again.stop()
    lost = sum(len(ledger.alive[t] - listed[t]) for t in TENANTS)
    duplicates = len(ledger.acknowledged) - len(set(ledger.acknowledged))
    result = verdict(samples, lost, len(ledger.errors), args.rss_bound, duplicates)
    plot(samples, BENCH_DIR / f"{args.out}.png")
    path = write_result(
        args.out,
        {
            "what": "steady mixed load on the default model, four tenants, sampled",
            "settings": vars(args),
            "mix": dict(zip(KINDS, MIX, strict=True)),
            "samples": samples,
            "acknowledged_alive": sum(len(v) for v in ledger.alive.values()),
            "lost_after_restart": lost,
            "acknowledged_writes": len(ledger.acknowledged),
            "ids_given_twice": duplicates,
            "errors": ledger.errors[:50],
            "verdict": result,
            "machine": machine(),
            "versions": provenance,
        },
    )
    print(result)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
