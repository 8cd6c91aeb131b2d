"""``harness consolidate``: train a store's episodes into a LoRA on the base (M4).

Examples::

    # a scenario's episodes: written to a new store, then consolidated
    harness consolidate --scenario A -n 100 --seed 7 --store runs/a100-store --out runs/a100-lora
    # the same episodes straight from the generator (no store, no index)
    harness consolidate --scenario A -n 100 --seed 7 --out runs/a100-lora
    # any store folder (a `hei-nw` memory folder or a bare store)
    harness consolidate --store ~/.hei-nw --out runs/my-lora
    harness --mode B3 --scenario A -n 100 --seed 7 --lora runs/a100-lora   # closed book
    # six cycles of 20 new episodes each (seeds 7..12), old ones replayed: runs/ret/cycle-1..6
    harness consolidate --scenario A -n 20 --seed 7 --cycles 6 --out runs/ret
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from hei_nw.consolidate import (
    CHECKPOINT,
    ConsolidationConfig,
    ConsolidationError,
    LoraSettings,
    consolidate,
    consolidate_cycles,
    read_record,
)
from hei_nw.core import versions
from hei_nw.datasets import generate
from hei_nw.datasets.squad import SquadDataError
from hei_nw.datasets.squad import load as load_squad
from hei_nw.harness.args import (
    UsageError,
    check_output_folder,
)
from hei_nw.harness.commands.consolidate_options import (
    DEFAULTS,
    GENERIC_SOURCE,
    build_consolidate_parser,
)
from hei_nw.memory import (
    Episode,
    EpisodeStore,
    HashingEmbedder,
    StoreError,
    episode_id,
    validate_trace,
)
from hei_nw.memory.minilm import MiniLMEmbedder
from hei_nw.memory.store_files import read_meta
from hei_nw.models import ModelLoadError, load_model, set_seed


def consolidate_main(argv: Sequence[str]) -> int:
    args = build_consolidate_parser().parse_args(list(argv))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        check_output_folder("--out", args.out)
        if args.resume and not (Path(args.out) / CHECKPOINT).is_file():
            raise UsageError(f"--resume: {args.out} holds no {CHECKPOINT} to continue from")
        if args.cycles > 1 and (args.scenario is None or args.store is not None):
            raise UsageError("--cycles takes --scenario (new episodes each cycle), not --store")
        arrivals = [load_episodes(args, cycle) for cycle in range(args.cycles)]
        episodes = [episode for new in arrivals for episode in new]
        if not episodes:
            raise UsageError(f"{args.store} holds no episodes: nothing to consolidate")
        generic = generic_texts(args.generic, args.seed)
        loaded = load_model(args.model, dtype=args.dtype, device=args.device)
    except (UsageError, StoreError, SquadDataError, ModelLoadError) as exc:
        print(f"harness consolidate: error: {exc}", file=sys.stderr)
        return 2
    set_seed(args.seed)
    record: dict[str, Any] = {
        "command": " ".join(["harness", "consolidate", *argv]),
        "store": str(args.store),
        "model": loaded.model_id,
        "generic": {"source": GENERIC_SOURCE, "passages": len(generic)},
        "answers": sorted({str(v) for e in episodes for v in e.trace.values() if str(v).strip()}),
        "provenance": versions(),
    }
    try:
        _train(args, loaded, arrivals, _config(args, bool(generic)), generic, record)
    except ConsolidationError as exc:
        print(f"harness consolidate: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        again = (
            "run it again to continue (finished cycles are kept)"
            if args.cycles > 1
            else f"resume with --resume ({args.out}/{CHECKPOINT})"
        )
        print(f"harness consolidate: interrupted; {again}", file=sys.stderr)
        return 130
    return 0


def _config(args: argparse.Namespace, with_generic: bool) -> ConsolidationConfig:
    """The worker's settings the options name (the rest are the measured defaults)."""
    return replace(
        DEFAULTS,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        forms=args.forms,
        reading_per_episode=args.reading,
        unknown_per_episode=args.unknown,
        generic_per_step=args.generic_per_step if with_generic else 0,
        kl_weight=args.kl_weight,
        order=args.order,
        seed=args.seed,
        lora=LoraSettings(rank=args.rank, alpha=2 * args.rank),
    )


def _train(
    args: argparse.Namespace,
    loaded: Any,
    arrivals: list[list[Episode]],
    config: ConsolidationConfig,
    generic: list[str],
    record: dict[str, Any],
) -> None:
    """One replay cycle, or ``--cycles`` of them; prints what each saved."""
    if args.cycles > 1:
        folders = consolidate_cycles(
            loaded.model,
            loaded.tokenizer,
            arrivals,
            args.out,
            config,
            generic,
            record,
            replay_share=args.replay_share,
            progress=not args.quiet,
        )
        for folder in folders:
            cycle = read_record(folder)
            print(
                f"{folder}: {len(cycle['new_episodes'])} new + "
                f"{len(cycle['replayed_episodes'])} replayed episodes, {cycle['steps']} steps"
            )
        return
    episodes = [episode for new in arrivals for episode in new]
    _, saved = consolidate(
        loaded.model,
        loaded.tokenizer,
        episodes,
        args.out,
        config,
        generic,
        record,
        resume=args.resume,
        progress=not args.quiet,
    )
    held = saved["held_out_loss"]
    print(
        f"{args.out}: {len(episodes)} episodes, {sum(saved['rows'].values())} rows, "
        f"{saved['steps']} steps in {saved['train_seconds']:.0f} s; held-out loss by epoch "
        + ", ".join(f"{h:.3f}" for h in held)
    )


def load_episodes(args: argparse.Namespace, cycle: int = 0) -> list[Episode]:
    """The episodes to consolidate: ``--store``'s, or ``--scenario``'s (written into a new
    ``--store`` when one is named; without one, made as the store would make them).
    Cycle ``cycle`` (0-based) of ``--cycles`` brings ``-n`` new ones, seed ``--seed + cycle``."""
    if args.scenario is None and args.store is None:
        raise UsageError("name --store (the episodes to consolidate) or --scenario")
    if args.store is not None:
        return open_or_fill_store(args).episodes()
    records = generate(args.scenario, args.n, args.seed + cycle, split=args.split)
    first = cycle * args.n
    return [
        Episode(
            episode_id(first + row), validate_trace(r["trace"]), r["context"], {"item": r["id"]}
        )
        for row, r in enumerate(records)
    ]


def open_or_fill_store(args: argparse.Namespace) -> EpisodeStore:
    """The store ``--store`` names; with ``--scenario``, a new one holding that run's episodes."""
    folder = Path(args.store).expanduser()
    if args.scenario is None:
        folder = folder / "store" if (folder / "store" / "store.json").is_file() else folder
        meta = read_meta(folder)
        name = str(meta.get("embedder", ""))
        embedder: Any = (
            HashingEmbedder(int(meta["embedder_dim"]))
            if name.startswith("hashing")
            else MiniLMEmbedder()
        )
        return EpisodeStore.load(folder, embedder)
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"--store {folder} is not empty; --scenario writes a new store")
    store = EpisodeStore(HashingEmbedder(), folder)
    for record in generate(args.scenario, args.n, args.seed, split=args.split):
        store.write(record["trace"], record["context"], {"item": record["id"]})
    return store


def generic_texts(count: int, seed: int) -> list[str]:
    """``count`` SQuAD-Shifts passages, distinct, in a seeded order."""
    if count == 0:
        return []
    passages = sorted({item.passage for item in load_squad(GENERIC_SOURCE)})
    random.Random(f"hei-nw/consolidate/generic/{seed}").shuffle(passages)
    return passages[:count]
