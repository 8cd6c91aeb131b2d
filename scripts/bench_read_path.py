"""Benchmark: what reading memory costs, per generated token and per call.

Variants, interleaved in rotating order in one process, each warmed up first:
  B0          the base model alone;
  reader-1    a memory reader with one adapter (block 18 of 30, or the middle);
  reader-4    the default four adapters (blocks 6/12/18/24 of 30);
  copy        the copy head alone (SmolLM2: the shipped reader);
every B1 variant reading 128 memory tokens with open gates. Two times per call:
the median decode step (timestamps at every generation step, so prompt and
memory prefill are excluded) and the whole call end to end (memory forward and
projection, prompt prefill, decode) - what a user waits for - and the memory
prefill alone (beside one full base forward over the same tokens). Ratios to B0 are
per round, reported as median and spread. There is no "empty memory" row: with
no memory tokens ``generate`` never attaches the reader, which the tests prove
equal to B0. Models: the default SmolLM2-135M and a random-weight model shaped
like Qwen2.5-0.5B (from its config, no download).

    uv run python scripts/bench_read_path.py [--rounds 25] [--new-tokens 24]
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

from hei_nw.core import git_state
from hei_nw.models import (
    MemoryReader,
    build_memory_reader,
    encode_prompt,
    generate,
    load_model,
    prepare_reader_memory,
)
from hei_nw.models.shipped import load_memory_reader, shipped_reader_path
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


def run_once(model: Any, tokenizer: Any, new_tokens: int, **memory: Any) -> tuple[float, float]:
    """``(median decode step, whole call)`` in seconds."""
    clock = StepClock()
    began = time.perf_counter()
    generate(
        PROMPT,
        max_new_tokens=new_tokens,
        min_new_tokens=new_tokens,
        model=model,
        tokenizer=tokenizer,
        logits_processor=LogitsProcessorList([clock]),
        **memory,
    )
    return clock.decode_step_s(), time.perf_counter() - began


def open_reader(model: Any, read_layers: tuple[int, ...], copy: bool, stop_id: int) -> MemoryReader:
    reader = build_memory_reader(model, read_layers, copy=copy, stop_token_id=stop_id)
    with torch.no_grad():
        for parameter_name, parameter in reader.named_parameters():
            if parameter_name.endswith("gate"):
                parameter.fill_(0.5)
    return reader


def readers(model: Any, tokenizer: Any, shipped: bool) -> dict[str, MemoryReader]:
    layers = model.config.num_hidden_layers
    four = tuple(round(layers * f) for f in (0.2, 0.4, 0.6, 0.8))
    copy = load_memory_reader(model, shipped_reader_path()) if shipped else None
    return {
        "reader-1": open_reader(model, (four[2],), False, tokenizer.eos_token_id),
        "reader-4": open_reader(model, four, False, tokenizer.eos_token_id),
        "copy": copy or open_reader(model, (), True, tokenizer.eos_token_id),
    }


def prefill_s(model: Any, reader: MemoryReader | None, mem: list[int], cue: list[int]) -> float:
    """Seconds to prepare the memory for ``reader``; for None, one full base forward
    over the same tokens (the yardstick: a prefill should cost no more). ``cue``: the
    prompt's ids, which a copy head with cue match reads as generation would pass them."""
    ids = torch.tensor([mem])
    began = time.perf_counter()
    with torch.no_grad():
        if reader is None:
            model(input_ids=ids, attention_mask=torch.ones_like(ids))
        else:
            prepare_reader_memory(model, reader, [mem], pad_id=0, cue_ids=[cue])
    return time.perf_counter() - began


def bench_model(
    name: str, model: Any, tokenizer: Any, rounds: int, new_tokens: int, shipped: bool
) -> dict[str, Any]:
    mem = memory_ids(tokenizer)
    cue = encode_prompt(tokenizer, PROMPT, None)
    configs: dict[str, dict[str, Any]] = {"B0": {}}
    layers_of: dict[str, list[int]] = {}
    for key, reader in readers(model, tokenizer, shipped).items():
        configs[key] = {"adapter": reader, "mem_tokens": mem}
        layers_of[key] = list(reader.config.read_layers)
    for config in configs.values():  # warm every variant, not only the first
        run_once(model, tokenizer, 4, **config)
    step: dict[str, list[float]] = {key: [] for key in configs}
    call: dict[str, list[float]] = {key: [] for key in configs}
    order = list(configs)
    for r in range(rounds):
        for key in order[r % len(order) :] + order[: r % len(order)]:
            decode_s, call_s = run_once(model, tokenizer, new_tokens, **configs[key])
            step[key].append(decode_s)
            call[key].append(call_s)
    prefill: dict[str, list[float]] = {key: [] for key in configs}
    for _ in range(rounds):
        for key, config in configs.items():
            prefill[key].append(prefill_s(model, config.get("adapter"), mem, cue))
    result: dict[str, Any] = {
        "model": name,
        "layers": model.config.num_hidden_layers,
        "hidden": model.config.hidden_size,
        "read_layers": layers_of,
        "decode_step_median_s": {key: statistics.median(v) for key, v in step.items()},
        "call_median_s": {key: statistics.median(v) for key, v in call.items()},
        # B0's entry is one full forward over the memory tokens, for comparison.
        "memory_prefill_s": {key: spread(v) for key, v in prefill.items()},
        "decode_step_over_b0": {},
        "call_over_b0": {},
    }
    for key in order[1:]:
        result["decode_step_over_b0"][key] = spread(
            [a / b for a, b in zip(step[key], step["B0"], strict=True)]
        )
        result["call_over_b0"][key] = spread(
            [a / b for a, b in zip(call[key], call["B0"], strict=True)]
        )
    cells = " | ".join(
        f"{key} step x{result['decode_step_over_b0'][key]['median']:.2f}, "
        f"call x{result['call_over_b0'][key]['median']:.2f}"
        for key in order[1:]
    )
    print(f"{name}: B0 step {result['decode_step_median_s']['B0'] * 1e3:.1f} ms | {cells}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument(
        "--models", default="smollm2,qwen-shape", help="comma-separated: smollm2, qwen-shape"
    )
    parser.add_argument("--new-tokens", type=int, default=24)
    args = parser.parse_args()
    if args.rounds < 15:
        parser.error("use at least 15 rounds")
    warnings.filterwarnings("ignore", message="the episodic adapter's gate is 0")
    torch.manual_seed(0)
    git = git_state()  # the code as the benchmark starts, not as it ends
    wanted = args.models.split(",")
    results = []
    if "smollm2" in wanted:
        default = load_model()
        results.append(
            bench_model(
                "SmolLM2-135M-Instruct",
                default.model,
                default.tokenizer,
                args.rounds,
                args.new_tokens,
                shipped=True,
            )
        )
    if "qwen-shape" in wanted:
        results.append(
            bench_model(
                "Qwen2.5-0.5B-shaped (random)",
                qwen25_05b_shaped_model(),
                shared_tokenizer(),
                args.rounds,
                args.new_tokens,
                shipped=False,
            )
        )
    data = {
        "machine": machine(),
        "git": git,
        "rounds": args.rounds,
        "new_tokens": args.new_tokens,
        "memory_tokens": MEMORY_TOKENS,
        "models": results,
    }
    print(f"wrote {write_result('read_path', data)}")


if __name__ == "__main__":
    main()
