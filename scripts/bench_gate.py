"""What the write gate costs per candidate, beside what answering costs.

uv run python scripts/bench_gate.py [--candidates 200] -> reports/bench/gate.json

Per candidate of a dev-vocabulary stream, interleaved in one loop: surprise (one
forward of the frozen base over the candidate after 12 segments of context),
novelty (one key and one nearest-neighbour search in a store of everything heard)
and, every tenth candidate, one greedy 16-token answer from memory (the B1 read
path), so the gate's cost can be read against the work a question costs anyway.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench_common import machine, spread, write_result

from hei_nw.datasets.stream import make_stream
from hei_nw.memory import EpisodeStore, HashingEmbedder
from hei_nw.models import generate_batch, load_memory_reader, load_model, token_nll
from hei_nw.pack import pack_episodes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    args = parser.parse_args()
    loaded = load_model("smollm2-135m-instruct-q4_1", dtype="float32", device="cpu")
    reader = load_memory_reader(loaded.model)
    stream = make_stream(40, seed=11, split="dev", routine=14)
    segments = stream.segments[: args.candidates]
    heard = EpisodeStore(HashingEmbedder())
    surprise, novelty, answer = [], [], []
    for index, segment in enumerate(segments):
        context = " ".join(s.text for s in segments[max(0, index - 4) : index])
        start = time.perf_counter()
        token_nll(loaded.model, loaded.tokenizer, segment.text, context)
        surprise.append(time.perf_counter() - start)
        start = time.perf_counter()
        heard.nearest(segment.text)
        heard.write(None, segment.text)
        novelty.append(time.perf_counter() - start)
        if index % 10 == 0 and stream.questions:
            question = stream.questions[(index // 10) % len(stream.questions)]
            memory = pack_episodes(
                [h.text for h in heard.recall(question["query"], 4)], loaded.tokenizer, 512
            )
            start = time.perf_counter()
            generate_batch(
                [f"Answer the question with a short phrase.\n\nQuestion: {question['query']}"],
                max_new_tokens=16,
                mem_tokens=[memory],
                adapter=reader,
                model=loaded.model,
                tokenizer=loaded.tokenizer,
            )
            answer.append(time.perf_counter() - start)
    result: dict[str, Any] = {
        "candidates": len(segments),
        "surprise_s": spread(surprise),
        "novelty_s": spread(novelty),
        "answer_from_memory_s": spread(answer),
        "gate_over_answer": sum(surprise + novelty) / len(segments) / (sum(answer) / len(answer)),
        "machine": machine(),
    }
    path = write_result("gate", result)
    print(path)
    print(
        f"per candidate: surprise {1e3 * result['surprise_s']['median']:.1f} ms, novelty "
        f"{1e3 * result['novelty_s']['median']:.2f} ms (medians); one answer from memory "
        f"{result['answer_from_memory_s']['median']:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
