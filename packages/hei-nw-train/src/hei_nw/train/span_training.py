"""Train the span reader on cached states, many epochs on the CPU; score it on a dev cache.

The loss is cross-entropy over where the answer starts and where it ends, each over the
episode's tokens plus one "not in memory" position (the target of unanswerable rows).
Rows are batched by length (little padding). The best epoch on the dev cache's F1 is
kept. Everything is seeded: the same caches and settings give the same weights on CPU.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from tqdm import tqdm

from hei_nw.metrics import exact_match, token_f1
from hei_nw.metrics.stats import paired_bootstrap
from hei_nw.models.span_reader import SpanReader, SpanReaderConfig, best_span
from hei_nw.models.span_reading import collate
from hei_nw.train.feature_cache import CachedRow, CacheError, CacheRecipe


@dataclass(frozen=True)
class SpanTrainSettings:
    """Defaults, with reasons: batch 32 and lr 1e-3 with AdamW (the CPU trial's settings,
    stable from the first step); 8 epochs (the trial's F1 flattened after 3-4 on 6,000
    rows; more rows, more epochs pay)."""

    epochs: int = 8
    batch: int = 32
    lr: float = 1e-3
    weight_decay: float = 0.01
    seed: int = 0


def check_fits(recipe: CacheRecipe, config: SpanReaderConfig) -> None:
    """One line if a cache was built for another base width or block list than the reader."""
    if recipe.base_width != config.host_width:
        raise CacheError(
            f"cache of {recipe.source} was built for a base of width {recipe.base_width}, "
            f"the reader reads width {config.host_width}"
        )
    if tuple(recipe.blocks) != tuple(config.blocks):
        raise CacheError(
            f"cache of {recipe.source} holds blocks {list(recipe.blocks)}, "
            f"the reader reads blocks {list(config.blocks)}"
        )


def _targets(rows: Sequence[CachedRow], padded: int) -> tuple[torch.Tensor, torch.Tensor]:
    start = [padded if r.span is None else r.span[0] for r in rows]
    end = [padded if r.span is None else r.span[1] for r in rows]
    return torch.tensor(start), torch.tensor(end)


def batch_logits(reader: SpanReader, rows: Sequence[CachedRow]) -> tuple[torch.Tensor, ...]:
    """(start, end) logits (B, T + 1) and the targets, with unanswerable rows at T."""
    batch = collate([r.inputs for r in rows])
    start, end = reader(**batch)
    target_start, target_end = _targets(rows, start.shape[1] - 1)
    return start, end, target_start, target_end


def _batches(rows: Sequence[CachedRow], size: int, rng: random.Random) -> list[list[CachedRow]]:
    """Batches of rows of similar length, in a shuffled order."""
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i].inputs.memory_ids), rng.random()))
    batches = [[rows[i] for i in order[k : k + size]] for k in range(0, len(order), size)]
    rng.shuffle(batches)
    return batches


@dataclass(frozen=True)
class SpanScores:
    """What a reader does on a dev cache: answerable rows (F1/EM, abstained share) and
    unanswerable rows (share answered "not in memory"), with n and intervals."""

    overall: float
    f1: float
    f1_interval: tuple[float, float]
    em: float
    answerable: int
    abstained_when_answerable: float
    unanswerable: int
    abstained_when_unanswerable: float
    threshold: float
    by_kind: dict[str, float]


@torch.no_grad()
def predictions(
    reader: SpanReader, rows: Sequence[CachedRow], decode: Callable[[list[int]], str]
) -> list[tuple[str | None, float]]:
    """(span text, margin over "not in memory") per row, at threshold 0 (the caller decides)."""
    reader.eval()
    out: list[tuple[str | None, float]] = []
    for k in range(0, len(rows), 64):
        chunk = rows[k : k + 64]
        start, end = reader(**collate([r.inputs for r in chunk]))
        for n, row in enumerate(chunk):
            choice = best_span(start[n], end[n], len(row.inputs.memory_ids), reader.config.max_span)
            span = row.inputs.memory_ids[choice.start : choice.end + 1]
            out.append((decode(span).strip(), choice.margin))
    return out


def score(
    rows: Sequence[CachedRow],
    predicted: Sequence[tuple[str | None, float]],
    threshold: float = 0.0,
) -> SpanScores:
    """Scores of predictions at an abstention threshold (answer when margin >= threshold)."""
    f1s: list[float] = []
    ems: list[float] = []
    kinds: dict[str, list[float]] = {}
    abstain_yes = abstain_no = 0
    for row, (text, margin) in zip(rows, predicted, strict=True):
        answered = text is not None and margin >= threshold
        if row.span is None:
            abstain_no += not answered
            kinds.setdefault(row.kind, []).append(float(not answered))
            continue
        abstain_yes += not answered
        f1 = max(token_f1(text, g) for g in row.answers) if answered and text is not None else 0.0
        em = (
            max(exact_match(text, g) for g in row.answers) if answered and text is not None else 0.0
        )
        f1s.append(f1)
        ems.append(em)
        kinds.setdefault(row.kind, []).append(f1)
    n_yes, n_no = len(f1s), len(rows) - len(f1s)
    interval = paired_bootstrap([0.0] * n_yes, f1s) if n_yes else {"ci_low": 0.0, "ci_high": 0.0}
    return SpanScores(
        overall=(sum(f1s) + abstain_no) / max(1, len(rows)),
        f1=sum(f1s) / max(1, n_yes),
        f1_interval=(interval["ci_low"], interval["ci_high"]),
        em=sum(ems) / max(1, n_yes),
        answerable=n_yes,
        abstained_when_answerable=abstain_yes / max(1, n_yes),
        unanswerable=n_no,
        abstained_when_unanswerable=abstain_no / max(1, n_no),
        threshold=threshold,
        by_kind={k: sum(v) / len(v) for k, v in sorted(kinds.items())},
    )


def train_span_reader(
    config: SpanReaderConfig,
    train_rows: Sequence[CachedRow],
    dev_rows: Sequence[CachedRow],
    decode: Callable[[list[int]], str],
    settings: SpanTrainSettings = SpanTrainSettings(),
    progress: bool = True,
) -> tuple[SpanReader, list[dict[str, Any]]]:
    """Train a fresh reader; return the best epoch's reader and a per-epoch log. Best is by
    ``overall`` (F1 on answerable rows, "not in memory" on the others, averaged over all),
    so a reader that never abstains is not preferred for its F1 alone."""
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    reader = SpanReader(config)
    optimizer = torch.optim.AdamW(
        reader.parameters(), lr=settings.lr, weight_decay=settings.weight_decay
    )
    batches_per_epoch = -(-len(train_rows) // settings.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, settings.lr, total_steps=settings.epochs * batches_per_epoch, pct_start=0.1
    )
    log: list[dict[str, Any]] = []
    best: tuple[float, dict[str, torch.Tensor]] | None = None
    for epoch in range(settings.epochs):
        reader.train()
        began, losses = time.perf_counter(), []
        for rows in tqdm(
            _batches(train_rows, settings.batch, rng),
            desc=f"epoch {epoch + 1}",
            disable=not progress,
        ):
            start, end, target_start, target_end = batch_logits(reader, rows)
            loss = (F.cross_entropy(start, target_start) + F.cross_entropy(end, target_end)) / 2
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(reader.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
        scores = score(dev_rows, predictions(reader, dev_rows, decode))
        log.append(
            {
                "epoch": epoch + 1,
                "loss": sum(losses) / len(losses),
                "seconds": time.perf_counter() - began,
                **asdict(scores),
            }
        )
        if progress:
            tqdm.write(
                f"epoch {epoch + 1}: loss {log[-1]['loss']:.3f}, dev F1 {scores.f1:.3f} (overall {scores.overall:.3f}), abstains on unanswerable {scores.abstained_when_unanswerable:.2f}"
            )
        if best is None or scores.overall > best[0]:
            best = (scores.overall, {k: v.detach().clone() for k, v in reader.state_dict().items()})
    assert best is not None
    reader.load_state_dict(best[1])
    return reader.eval(), log


__all__ = [
    "SpanScores",
    "SpanTrainSettings",
    "check_fits",
    "predictions",
    "score",
    "train_span_reader",
]
