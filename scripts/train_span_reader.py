"""Train the span reader from built caches (scripts/build_span_cache.py) and report it.

    uv run python scripts/train_span_reader.py --train scenarios shifts --dev squad-dev \
        --out reports/span-reader/run --save readers/span

Writes ``train.json`` (settings, data mix with each cache's recipe digest, versions,
seeds, the per-epoch log, dev scores at several abstention thresholds) and
``curve.png`` beside it; ``--save`` keeps the weights (``save_pretrained``).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from transformers import AutoTokenizer

from hei_nw.core import versions, write_json_atomic
from hei_nw.models import DEFAULT_MODEL
from hei_nw.models.smollm2 import ensure_converted
from hei_nw.models.span_reader import SpanReaderConfig
from hei_nw.train.feature_cache import CacheError, iter_cache, read_recipe
from hei_nw.train.span_training import (
    SpanTrainSettings,
    check_fits,
    predictions,
    score,
    train_span_reader,
)

THRESHOLDS = (-2.0, -1.0, 0.0, 1.0, 2.0)


def load(
    root: Path, names: list[str], config: SpanReaderConfig, limit: int | None
) -> tuple[list[Any], list[dict[str, Any]]]:
    rows, mix = [], []
    for name in names:
        recipe = read_recipe(root / name)
        check_fits(recipe, config)
        got = list(iter_cache(root / name))[:limit]
        rows.extend(got)
        mix.append(
            {"source": name, "rows": len(got), "digest": recipe.digest(), "recipe": asdict(recipe)}
        )
    return rows, mix


def plot(log: list[dict[str, Any]], path: Path) -> None:
    epochs = [e["epoch"] for e in log]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(epochs, [e["f1"] for e in log], marker="o", label="dev F1 (answerable)")
    ax.plot(
        epochs,
        [e["abstained_when_unanswerable"] for e in log],
        marker="s",
        label='"not in memory" when unanswerable',
    )
    ax.plot(
        epochs,
        [e["loss"] / max(e2["loss"] for e2 in log) for e2 in [log[0]] for e in log],
        linestyle="--",
        label="train loss (scaled)",
    )
    ax.set_xlabel("epoch")
    ax.set_ylim(0, 1)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/hei-nw/span-cache")
    parser.add_argument("--train", nargs="+", default=["scenarios", "shifts"])
    parser.add_argument("--dev", default="squad-dev")
    parser.add_argument(
        "--also", nargs="*", default=[], help="more caches to score the final reader on"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--save", type=Path, default=None)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument(
        "--no-match", action="store_true", help="zero the lexical-match features (ablation)"
    )
    parser.add_argument(
        "--answerable-only", action="store_true", help="train without 'not in memory' rows"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="rows per training cache (ablation)"
    )
    parser.add_argument("--epochs", type=int, default=SpanTrainSettings.epochs)
    parser.add_argument("--lr", type=float, default=SpanTrainSettings.lr)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tokenizer = AutoTokenizer.from_pretrained(ensure_converted())
    recipe = read_recipe(args.cache / args.dev)
    config = SpanReaderConfig(
        host_width=recipe.base_width, blocks=recipe.blocks, layers=args.layers, width=args.width
    )
    settings = SpanTrainSettings(epochs=args.epochs, lr=args.lr, seed=args.seed)
    try:
        train_rows, mix = load(args.cache, args.train, config, args.limit)
        dev_rows, dev_mix = load(args.cache, [args.dev], config, None)
    except CacheError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.no_match:
        train_rows = [
            replace(r, inputs=replace(r.inputs, match=r.inputs.match * 0)) for r in train_rows
        ]
        dev_rows = [
            replace(r, inputs=replace(r.inputs, match=r.inputs.match * 0)) for r in dev_rows
        ]
    if args.answerable_only:
        train_rows = [r for r in train_rows if r.span is not None]
    began = time.perf_counter()
    reader, log = train_span_reader(config, train_rows, dev_rows, tokenizer.decode, settings)
    seconds = time.perf_counter() - began
    predicted = predictions(reader, dev_rows, tokenizer.decode)
    at = {str(t): asdict(score(dev_rows, predicted, t)) for t in THRESHOLDS}
    also = {}
    for name in args.also:
        rows, _ = load(args.cache, [name], config, None)
        also[name] = asdict(score(rows, predictions(reader, rows, tokenizer.decode)))
    args.out.mkdir(parents=True, exist_ok=True)
    record = {
        "command": " ".join(sys.argv),
        "model": DEFAULT_MODEL,
        "reader": asdict(config),
        "settings": asdict(settings),
        "no_match": args.no_match,
        "answerable_only": args.answerable_only,
        "train_mix": mix,
        "dev": dev_mix,
        "train_seconds": seconds,
        "log": log,
        "dev_by_threshold": at,
        "also": also,
        "versions": versions(),
    }
    write_json_atomic(args.out / "train.json", record)
    plot(log, args.out / "curve.png")
    if args.save:
        reader.save_pretrained(
            args.save,
            {k: record[k] for k in ("command", "settings", "train_mix", "dev_by_threshold")},
        )
    best = at["0.0"]
    print(
        f"dev ({args.dev}): F1 {best['f1']:.3f} [{best['f1_interval'][0]:.3f}, {best['f1_interval'][1]:.3f}] "
        f"EM {best['em']:.3f} n={best['answerable']}; 'not in memory' on unanswerable "
        f"{best['abstained_when_unanswerable']:.2f} (n={best['unanswerable']}), on answerable "
        f"{best['abstained_when_answerable']:.2f}; trained {seconds / 60:.1f} min"
    )
    for name, got in also.items():
        kinds = ", ".join(f"{k} {v:.2f}" for k, v in got["by_kind"].items())
        print(f"{name}: F1 {got['f1']:.3f} n={got['answerable']}; {kinds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
