"""Benchmark: per-generated-token latency of the adapter read path.

Three configurations, interleaved in rotating order in one process:
  B0         the base model alone;
  B1-empty   an adapter passed with empty memory (must cost nothing);
  B1-128     128 memory tokens read through an adapter with a non-zero gate.
Decode-step times come from timestamps taken at every generation step (a
logits processor), so prefill is excluded; the memory prefill (forward over the
memory tokens + projection) is timed separately. Models: the default
SmolLM2-135M and a random-weight model shaped like Qwen2.5-0.5B (from its
config, no download).

    uv run python scripts/bench_read_path.py [--rounds 15] [--new-tokens 24]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from typing import Any

import torch
from bench_common import machine, spread, write_result
from transformers import LogitsProcessorList

from hei_nw.adapter import EpisodicAdapter
from hei_nw.models import build_default_adapter, generate, load_model
from hei_nw.models.read_path import prepare_memory
from hei_nw.models.testing import qwen25_05b_shaped_model, shared_tokenizer

PROMPT = "Summarise what happened at the station yesterday in a few sentences."
MEMORY_TOKENS = 128


class StepClock:
    """Logits processor that timestamps every decode step."""

    def __init__(self) -> None:
        self.stamps: list[float] = []

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        self.stamps.append(time.perf_counter())
        return scores

    def decode_step_s(self) -> float:
        gaps = [b - a for a, b in zip(self.stamps, self.stamps[1:], strict=False)]
        return statistics.median(gaps)


def memory_ids(tokenizer: Any) -> list[int]:
    text = " ".join(f"On day {i}, Dana left item {i} at Café Lumen." for i in range(40))
    ids = list(tokenizer(text, add_special_tokens=False)["input_ids"])[:MEMORY_TOKENS]
    assert len(ids) == MEMORY_TOKENS
    return ids


def run_once(model: Any, tokenizer: Any, new_tokens: int, **memory: Any) -> float:
    clock = StepClock()
    generate(
        PROMPT,
        max_new_tokens=new_tokens,
        min_new_tokens=new_tokens,
        model=model,
        tokenizer=tokenizer,
        logits_processor=LogitsProcessorList([clock]),
        **memory,
    )
    return clock.decode_step_s()


def bench_model(
    name: str, model: Any, tokenizer: Any, rounds: int, new_tokens: int
) -> dict[str, Any]:
    empty_adapter = build_default_adapter(model)
    reading: EpisodicAdapter = build_default_adapter(model)
    with torch.no_grad():
        reading.gate.fill_(0.5)
    mem = memory_ids(tokenizer)
    configs = {
        "B0": {},
        "B1-empty": {"adapter": empty_adapter, "mem_tokens": []},
        "B1-128": {"adapter": reading, "mem_tokens": mem},
    }
    order = list(configs)
    steps: dict[str, list[float]] = {key: [] for key in configs}
    run_once(model, tokenizer, 4)  # warm-up
    for r in range(rounds):
        rotation = order[r % 3 :] + order[: r % 3]
        for key in rotation:
            steps[key].append(run_once(model, tokenizer, new_tokens, **configs[key]))
    prefill = []
    for _ in range(rounds):
        start = time.perf_counter()
        prepare_memory(model, reading, [mem], pad_id=0)
        prefill.append(time.perf_counter() - start)
    result = {
        "model": name,
        "layers": model.config.num_hidden_layers,
        "hidden": model.config.hidden_size,
        "adapter_layer": reading.layer_index,
        "decode_step_median_s": {key: statistics.median(v) for key, v in steps.items()},
        "b1_empty_over_b0": spread(
            [e / b for e, b in zip(steps["B1-empty"], steps["B0"], strict=True)]
        ),
        "b1_128_over_b0": spread(
            [m / b for m, b in zip(steps["B1-128"], steps["B0"], strict=True)]
        ),
        "memory_prefill_s": spread(prefill),
    }
    print(
        f"{name}: decode step B0 {result['decode_step_median_s']['B0'] * 1e3:.2f} ms | "
        f"B1-empty/B0 {result['b1_empty_over_b0']['median']:.3f} | "
        f"B1-128/B0 {result['b1_128_over_b0']['median']:.3f} | "
        f"memory prefill {result['memory_prefill_s']['median'] * 1e3:.1f} ms"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--new-tokens", type=int, default=24)
    args = parser.parse_args()
    if args.rounds < 15:
        parser.error("use at least 15 rounds")
    warnings.filterwarnings("ignore", message="the episodic adapter's gate is 0")
    torch.manual_seed(0)
    default = load_model()
    tokenizer = shared_tokenizer()
    results = [
        bench_model(
            "SmolLM2-135M-Instruct", default.model, default.tokenizer, args.rounds, args.new_tokens
        )
    ]
    results.append(
        bench_model(
            "Qwen2.5-0.5B-shaped (random)",
            qwen25_05b_shaped_model(),
            tokenizer,
            args.rounds,
            args.new_tokens,
        )
    )
    data = {
        "machine": machine(),
        "rounds": args.rounds,
        "new_tokens": args.new_tokens,
        "memory_tokens": MEMORY_TOKENS,
        "models": results,
    }
    print(f"wrote {write_result('read_path', data)}")


if __name__ == "__main__":
    main()
