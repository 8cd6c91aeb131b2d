"""Benchmark: Episodic Adapter forward latency for decode-shaped input [1, 1, d].

For each model width d (576 = SmolLM2-135M, 1536 = Qwen2.5-1.5B) and memory size
k in {0, 32, 128, 512}, time one adapter call with memory re-projected every call
(raw M_t) against memory projected once (MemoryKV). The k = 0 path (M_t None,
or an empty [1, 0, d] tensor, which is validated first) is timed against a plain
nn.Identity module call. Runs are interleaved in alternating order for
at least 15 pairs; ratios are reported as median and spread.

    uv run python scripts/bench_adapter.py [--pairs 21] [--calls 200]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from bench_common import machine, spread, write_result

from hei_nw.adapter import EpisodicAdapter

SHAPES = {576: (9, 3), 1536: (12, 2)}  # d -> (heads, kv heads)
MEMORY_SIZES = (32, 128, 512)


def per_call_s(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


@dataclass(frozen=True)
class Paired:
    """Median per-call seconds of two callables and the spread of their ratio a/b."""

    a_s: float
    b_s: float
    a_over_b: dict[str, float]


def paired(a: Callable[[], object], b: Callable[[], object], pairs: int, calls: int) -> Paired:
    """Time a and b in interleaved pairs, alternating which goes first."""
    per_a, per_b, ratios = [], [], []
    for i in range(pairs):
        if i % 2 == 0:
            ta, tb = per_call_s(a, calls), per_call_s(b, calls)
        else:
            tb, ta = per_call_s(b, calls), per_call_s(a, calls)
        per_a.append(ta)
        per_b.append(tb)
        ratios.append(ta / tb)
    return Paired(spread(per_a)["median"], spread(per_b)["median"], spread(ratios))


@torch.no_grad()
def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=21)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    if args.pairs < 15:
        parser.error("use at least 15 pairs")
    torch.manual_seed(0)
    results: dict[str, object] = {
        "machine": machine(),
        "pairs": args.pairs,
        "calls_per_timing": args.calls,
    }
    rows: list[dict[str, object]] = []
    for d, (heads, kv_heads) in SHAPES.items():
        adapter = EpisodicAdapter(d, heads, n_kv_heads=kv_heads).eval()
        adapter.gate.fill_(0.5)
        H = torch.randn(1, 1, d)
        identity = torch.nn.Identity()
        for label, memory_arg in (("none", None), ("empty", torch.randn(1, 0, d))):
            k0 = paired(lambda: adapter(H, memory_arg), lambda: identity(H), args.pairs, args.calls)  # noqa: B023
            rows.append(
                {
                    "d": d,
                    "k": 0,
                    "memory": label,
                    "adapter_call_s": k0.a_s,
                    "identity_call_s": k0.b_s,
                    "adapter_over_identity": k0.a_over_b,
                }
            )
            print(
                f"d={d} k=0 ({label}): adapter {k0.a_s * 1e6:.2f} us vs nn.Identity "
                f"{k0.b_s * 1e6:.2f} us -> ratio {k0.a_over_b['median']:.2f}"
            )
        for k in MEMORY_SIZES:
            M = torch.randn(1, k, d)
            memory = adapter.project_memory(M)
            r = paired(lambda: adapter(H, M), lambda: adapter(H, memory), args.pairs, args.calls)  # noqa: B023
            rows.append(
                {
                    "d": d,
                    "k": k,
                    "reproject_s": r.a_s,
                    "preprojected_s": r.b_s,
                    "reproject_over_preprojected": r.a_over_b,
                }
            )
            print(
                f"d={d} k={k}: re-project {r.a_s * 1e6:.1f} us, pre-projected {r.b_s * 1e6:.1f} us "
                f"-> pre-projected is {r.a_over_b['median']:.2f}x cheaper"
            )
    results["rows"] = rows
    path = write_result("adapter", results)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
