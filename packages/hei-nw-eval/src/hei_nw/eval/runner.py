"""Turn records into scored per-item results by generating in timed batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from hei_nw.core import READ_RECIPE, ReadRecipe
from hei_nw.datasets import Record, gold_answers
from hei_nw.eval.prompts import prompt_hash
from hei_nw.eval.results import ItemResult
from hei_nw.eval.scoring import score
from hei_nw.metrics import ModelGeometry, timed
from hei_nw.models import Generation, MemoryReader, generate_batch


@dataclass(frozen=True)
class GenerationSettings:
    """How every prompt of a run is generated (recorded in the report)."""

    max_new_tokens: int = READ_RECIPE.max_new_tokens
    chat: bool | None = None  # None: the tokenizer's chat template when it has one
    stop: tuple[str, ...] = READ_RECIPE.stop
    do_sample: bool = False  # greedy: reports must be reproducible
    temperature: float = 0.2  # used only when sampling
    top_p: float = 0.9  # used only when sampling

    @classmethod
    def from_recipe(cls, recipe: ReadRecipe) -> GenerationSettings:
        """Greedy generation as ``recipe`` reads (what ``Memory`` does too)."""
        return cls(max_new_tokens=recipe.max_new_tokens, chat=recipe.chat, stop=recipe.stop)

    def as_dict(self) -> dict[str, Any]:
        """What the report records: exactly what every generate call received."""
        recorded: dict[str, Any] = {
            "max_new_tokens": self.max_new_tokens,
            "do_sample": self.do_sample,
            "chat": self.chat,
            "stop": list(self.stop),
        }
        if self.do_sample:
            recorded.update(temperature=self.temperature, top_p=self.top_p)
        return recorded


def batches(n: int, size: int) -> Iterator[range]:
    """Index ranges of at most ``size`` covering ``range(n)``."""
    if size <= 0:
        raise ValueError(f"batch size must be positive, got {size}")
    for start in range(0, n, size):
        yield range(start, min(start + size, n))


def item_result(
    record: Record,
    prompt: str,
    generation: Generation,
    latency_s: float,
    geometry: ModelGeometry,
    memory: Sequence[int] | None = None,
    tokenizer: Any = None,
) -> ItemResult:
    """One item's result; ``memory`` (decoded with ``tokenizer``) where memory was read."""
    return ItemResult(
        id=record["id"],
        prompt=prompt,
        prompt_hash=prompt_hash(prompt),
        prediction=generation["text"],
        expected=record["expected"],
        scores=score(generation["text"], gold_answers(record)),
        latency_s=latency_s,
        prompt_tokens=generation["prompt_tokens"],
        generated_tokens=generation["generated_tokens"],
        finish_reason=generation["finish_reason"],
        lag=record["lag"],
        compute=geometry.footprint(generation["prompt_tokens"], generation["generated_tokens"]),
        memory_token_ids=None if memory is None else tuple(memory),
        memory_text=None if memory is None else tokenizer.decode(list(memory)),
    )


def run_generation(
    model: Any,
    tokenizer: Any,
    records: Sequence[Record],
    prompts: Sequence[str],
    settings: GenerationSettings,
    geometry: ModelGeometry,
    batch_size: int = 1,
    on_item: Callable[[ItemResult], None] | None = None,
    *,
    reader: MemoryReader | None = None,
    memories: Sequence[Sequence[int]] | None = None,
) -> list[ItemResult]:
    """Generate for every prompt in batches; each item's latency is its batch's
    wall time divided by the batch size. ``on_item`` sees each finished item.

    ``memories`` holds one memory token list per record, read through
    ``reader``; sampling is set by ``settings`` alone, so the report cannot
    misstate it.
    """
    if (reader is None) != (memories is None):
        raise ValueError("pass reader and memories together, or neither")
    if memories is not None and len(memories) != len(records):
        raise ValueError(f"{len(memories)} memories for {len(records)} records")
    results: list[ItemResult] = []
    for chunk in batches(len(records), batch_size):
        chunk_prompts = [prompts[i] for i in chunk]
        with timed() as timer:
            generations = generate_batch(
                chunk_prompts,
                max_new_tokens=settings.max_new_tokens,
                stop=list(settings.stop),
                do_sample=settings.do_sample,
                temperature=settings.temperature,
                top_p=settings.top_p,
                model=model,
                tokenizer=tokenizer,
                chat=settings.chat,
                adapter=reader,
                mem_tokens=None if memories is None else [memories[i] for i in chunk],
            )
        for i, generation in zip(chunk, generations, strict=True):
            item = item_result(
                records[i],
                prompts[i],
                generation,
                timer.elapsed_s / len(chunk),
                geometry,
                memory=None if memories is None else memories[i],
                tokenizer=tokenizer,
            )
            results.append(item)
            if on_item is not None:
                on_item(item)
    return results
