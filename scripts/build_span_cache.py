"""Build (or resume) the span reader's training and dev caches in one background job.

    nohup uv run python scripts/build_span_cache.py --out ~/.cache/hei-nw/span-cache &

Each cache is a folder named after its source; see :mod:`hei_nw.train.feature_cache`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from hei_nw.models import DEFAULT_MODEL, load_model
from hei_nw.models.span_reader import SpanReaderConfig
from hei_nw.train.feature_cache import CacheError, build_cache, recipe_for

PLAN = (
    ("squad-dev", 600),
    ("scenarios", 800),
    ("shifts", 2000),
    ("shifts-dev", 300),
    ("scenarios-test", 300),
)
"""(source, rows) built in this order: the dev set first, so a trial can start early."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path.home() / ".cache/hei-nw/span-cache")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--unanswerable", type=float, default=0.2)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every row count")
    parser.add_argument("--only", nargs="*", default=None, help="sources to build (default all)")
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    loaded = load_model(DEFAULT_MODEL, dtype=torch.float32)
    blocks = SpanReaderConfig(host_width=int(loaded.model.config.hidden_size)).blocks
    try:
        for source, rows in PLAN:
            if args.only and source not in args.only:
                continue
            recipe = recipe_for(
                loaded.model,
                loaded.tokenizer,
                blocks,
                source=source,
                seed=args.seed,
                rows=round(rows * args.scale),
                unanswerable=args.unanswerable,
            )
            folder = build_cache(args.out / source, recipe, loaded.model, loaded.tokenizer)
            print(f"{folder}: {recipe.rows} rows, recipe {recipe.digest()}", flush=True)
    except CacheError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
