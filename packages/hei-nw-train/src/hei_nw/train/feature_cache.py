"""The span reader's training cache: what it reads from the frozen base, computed once.

The base never changes, so the states a row needs (:func:`hei_nw.models.span_reading.read_states`)
are computed once and every epoch and every ablation reads them from disk. A cache is
a folder: ``cache.json`` (the recipe and its digest) and shards of
:data:`ROWS_PER_SHARD` rows, each one safetensors file in float16 written atomically.
A build resumes: finished shards are kept, a corrupt or half-written one is named and
rebuilt. A cache built for another base, tokenizer, block list or layout is refused
in one line naming the difference. Caches are large (about 0.7 MB a row) and never
committed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from tqdm import tqdm

from hei_nw.core import write_atomic, write_json_atomic
from hei_nw.models.span_reading import MAX_EPISODE_TOKENS, QUESTION_LEAD, SpanInputs, read_states
from hei_nw.train.span_rows import SpanRow, rows

CACHE_FORMAT = "hei-nw-span-cache/1"
MANIFEST = "cache.json"
ROWS_PER_SHARD = 64
"""About 45 MB a shard: a killed build loses at most a minute or so of CPU."""
TOKENIZER_PROBE = "Where is Zoë's 1Z 999 AA1 parcel? e-mail: a.b@example.org"


class CacheError(RuntimeError):
    """A cache cannot be used or built; the message is one line for users."""


@dataclass(frozen=True)
class CacheRecipe:
    """Everything that decides a cache's contents; its digest names the cache."""

    base: str
    base_width: int
    tokenizer: str
    blocks: tuple[int, ...]
    source: str
    seed: int
    rows: int
    unanswerable: float
    lead: str = QUESTION_LEAD
    max_episode_tokens: int = MAX_EPISODE_TOKENS
    format: str = CACHE_FORMAT

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CachedRow:
    inputs: SpanInputs
    answers: tuple[str, ...]
    span: tuple[int, int] | None
    kind: str


def tokenizer_fingerprint(tokenizer: Any) -> str:
    """Vocabulary size and the ids of a probe sentence: two tokenizers that agree on both
    read text alike for the cache's purpose."""
    ids = tokenizer(TOKENIZER_PROBE, add_special_tokens=False)["input_ids"]
    return hashlib.sha256(json.dumps([len(tokenizer), list(ids)]).encode()).hexdigest()[:16]


def recipe_for(model: Any, tokenizer: Any, blocks: tuple[int, ...], **source: Any) -> CacheRecipe:
    """The recipe of a cache of ``source`` rows read by ``model`` at ``blocks``."""
    return CacheRecipe(
        base=str(getattr(model.config, "_name_or_path", "") or type(model).__name__),
        base_width=int(model.config.hidden_size),
        tokenizer=tokenizer_fingerprint(tokenizer),
        blocks=tuple(blocks),
        **source,
    )


def _differences(saved: dict[str, Any], recipe: CacheRecipe) -> list[str]:
    wanted = json.loads(json.dumps(asdict(recipe)))
    return [
        f"{f.name} {saved.get(f.name)!r} != {wanted[f.name]!r}"
        for f in fields(recipe)
        if saved.get(f.name) != wanted[f.name]
    ]


def read_recipe(folder: Path) -> CacheRecipe:
    """The recipe a cache folder was built with; one line if it has none."""
    path = folder / MANIFEST
    if not path.is_file():
        raise CacheError(f"{folder} is not a span-reader cache (no {MANIFEST}); build one first")
    saved = json.loads(path.read_text())["recipe"]
    if saved.get("format") != CACHE_FORMAT:
        raise CacheError(f"{folder} holds cache format {saved.get('format')!r}, not {CACHE_FORMAT}")
    return CacheRecipe(**{**saved, "blocks": tuple(saved["blocks"])})


def shard_path(folder: Path, number: int) -> Path:
    return folder / f"shard-{number:05d}.safetensors"


def _save_shard(path: Path, cached: list[tuple[SpanRow, SpanInputs]], attempted: int) -> None:
    tensors: dict[str, torch.Tensor] = {}
    meta = []
    for n, (row, inputs) in enumerate(cached):
        tensors[f"{n}/memory"] = inputs.memory_states.contiguous()
        tensors[f"{n}/question"] = inputs.question_states.contiguous()
        tensors[f"{n}/match"] = inputs.match.contiguous()
        meta.append(
            {
                "question_ids": inputs.question_ids,
                "memory_ids": inputs.memory_ids,
                "answers": list(row.answers),
                "span": None if row.span is None else list(row.span),
                "kind": row.kind,
            }
        )
    metadata = {"rows": json.dumps(meta), "attempted": str(attempted)}
    write_atomic(path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))


def shard_attempted(path: Path) -> int:
    """How many source rows a shard covers (unusable rows are left out of its contents)."""
    with safe_open(str(path), framework="pt") as fh:
        return int((fh.metadata() or {})["attempted"])


def load_shard(path: Path) -> list[CachedRow]:
    """A shard's rows; one line naming the shard if it is corrupt or half-written."""
    try:
        with safe_open(str(path), framework="pt") as fh:
            meta = json.loads((fh.metadata() or {})["rows"])
            loaded = []
            for n, row in enumerate(meta):
                inputs = SpanInputs(  # copies: a file rewritten later cannot change (or fault) them
                    question_ids=row["question_ids"],
                    memory_ids=row["memory_ids"],
                    question_states=fh.get_tensor(f"{n}/question").clone(),
                    memory_states=fh.get_tensor(f"{n}/memory").clone(),
                    match=fh.get_tensor(f"{n}/match").clone(),
                )
                span = None if row["span"] is None else (row["span"][0], row["span"][1])
                loaded.append(CachedRow(inputs, tuple(row["answers"]), span, row["kind"]))
            return loaded
    except Exception as error:  # safetensors raises several kinds on a torn file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CacheError(
            f"{path} is corrupt or half-written ({reason}); build the cache again to rebuild it"
        ) from None


def build_cache(
    folder: str | Path, recipe: CacheRecipe, model: Any, tokenizer: Any, progress: bool = True
) -> Path:
    """Build (or resume, or extend to more rows) the cache of ``recipe`` in ``folder``: a
    different recipe already there is refused; finished shards are kept; a corrupt or
    short one is rebuilt."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    if (out / MANIFEST).is_file():
        saved = json.loads((out / MANIFEST).read_text())["recipe"]
        saved["rows"] = recipe.rows  # more rows extend a cache; anything else is another cache
        if differences := _differences(saved, recipe):
            raise CacheError(f"{out} holds another cache: {'; '.join(differences)}")
    write_json_atomic(out / MANIFEST, {"recipe": asdict(recipe), "digest": recipe.digest()})
    shards = math.ceil(recipe.rows / ROWS_PER_SHARD)
    bar = tqdm(total=recipe.rows, desc=f"caching {recipe.source}", unit="row", disable=not progress)
    for number in range(shards):
        path = shard_path(out, number)
        start = number * ROWS_PER_SHARD
        count = min(ROWS_PER_SHARD, recipe.rows - start)
        if path.is_file():
            try:
                load_shard(path)
                if shard_attempted(path) == count:
                    bar.update(count)
                    continue
            except CacheError as error:
                tqdm.write(f"rebuilding: {error}")
        model_rows = rows(tokenizer, recipe.source, recipe.seed, start, count, recipe.unanswerable)
        cached = []
        for row in model_rows:
            if row is not None:
                inputs = read_states(model, tokenizer, row.question, row.memory_ids, recipe.blocks)
                cached.append((row, inputs))
            bar.update(1)
        _save_shard(path, cached, count)
    bar.close()
    return out


def iter_cache(folder: str | Path) -> Iterator[CachedRow]:
    """Every row of a complete cache, shard by shard; one line if a shard is missing."""
    out = Path(folder)
    recipe = read_recipe(out)
    for number in range(math.ceil(recipe.rows / ROWS_PER_SHARD)):
        path = shard_path(out, number)
        if not path.is_file():
            raise CacheError(
                f"{out} is incomplete: {path.name} is missing; build it again to resume"
            )
        yield from load_shard(path)


__all__ = [
    "CacheError",
    "CacheRecipe",
    "CachedRow",
    "build_cache",
    "iter_cache",
    "load_shard",
    "read_recipe",
    "recipe_for",
    "tokenizer_fingerprint",
]
