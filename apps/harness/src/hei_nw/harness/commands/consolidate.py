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
    ORDERS,
    UNKNOWN,
    ConsolidationConfig,
    ConsolidationError,
    LoraSettings,
    consolidate,
    consolidate_cycles,
    read_record,
)
from hei_nw.core import versions
from hei_nw.datasets import GENERATORS, SPLITS, generate
from hei_nw.datasets.squad import SquadDataError
from hei_nw.datasets.squad import load as load_squad
from hei_nw.harness.args import (
    HelpFormatter,
    UsageError,
    check_output_folder,
    non_negative,
    non_negative_float,
    positive,
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
from hei_nw.models import DEFAULT_MODEL, DTYPES, ModelLoadError, load_model, set_seed

DEFAULTS = ConsolidationConfig()
GENERIC_SOURCE = "new_wiki"
"""Generic real text for the drift guard: SQuAD-Shifts' new Wikipedia passages -
never SQuAD v1.1 dev, whose passages measure the drift."""


def build_consolidate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness consolidate",
        description="Replay a store's episodes into LoRA weights on the frozen base (saved with "
        "PEFT's save_pretrained plus consolidation.json). Then: harness --mode B2|B3 --lora OUT.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--store",
        help="store folder (or a hei-nw memory folder); with --scenario: a new folder to write "
        "its episodes to first (optional)",
    )
    parser.add_argument("--out", required=True, help="output folder: the LoRA and its record")
    parser.add_argument(
        "--scenario",
        choices=sorted(set(GENERATORS) - {"squad"}),
        help="consolidate this scenario's episodes (also written into --store when given)",
    )
    parser.add_argument("-n", type=positive, default=100, help="--scenario: number of episodes")
    parser.add_argument("--seed", type=int, default=7, help="dataset and training seed")
    parser.add_argument("--split", choices=SPLITS, default="dev", help="--scenario: vocabulary")
    parser.add_argument("--epochs", type=positive, default=DEFAULTS.epochs, help="epochs at most")
    parser.add_argument("--lr", type=float, default=DEFAULTS.lr, help="peak learning rate")
    parser.add_argument(
        "--batch-size", type=positive, default=DEFAULTS.batch_size, help="rows per step"
    )
    parser.add_argument(
        "--rank", type=positive, default=DEFAULTS.lora.rank, help="LoRA rank (alpha = 2 x rank)"
    )
    parser.add_argument(
        "--forms", type=positive, default=DEFAULTS.forms, help="question wordings per slot (1-4)"
    )
    parser.add_argument(
        "--reading",
        type=non_negative,
        default=DEFAULTS.reading_per_episode,
        help="counterfactual-note reading rows per episode (keeps in-prompt reading alive)",
    )
    parser.add_argument(
        "--unknown",
        type=non_negative,
        default=DEFAULTS.unknown_per_episode,
        help=f"rows per episode whose cue no episode holds, answered '{UNKNOWN}' (against "
        "invented knowledge)",
    )
    parser.add_argument(
        "--generic",
        type=non_negative,
        default=400,
        help=f"generic real passages (SQuAD-Shifts {GENERIC_SOURCE}) for the drift guard; 0: none",
    )
    parser.add_argument(
        "--generic-per-step",
        type=non_negative,
        default=DEFAULTS.generic_per_step,
        help="generic rows per step",
    )
    parser.add_argument(
        "--kl-weight",
        type=float,
        default=DEFAULTS.kl_weight,
        help="weight of KL(base || LoRA) on the generic rows; 0 trains them as plain text instead",
    )
    parser.add_argument(
        "--order",
        choices=ORDERS,
        default=DEFAULTS.order,
        help="replay order (shuffled: the control)",
    )
    parser.add_argument(
        "--cycles",
        type=positive,
        default=1,
        help="--scenario: replay cycles; cycle k brings -n new episodes (seed + k - 1) and "
        "replays old ones; each cycle's LoRA is saved in OUT/cycle-k",
    )
    parser.add_argument(
        "--replay-share",
        type=non_negative_float,
        default=1.0,
        help="--cycles: old episodes replayed per new one",
    )
    parser.add_argument("--resume", action="store_true", help=f"continue from --out's {CHECKPOINT}")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="base model")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, ...")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="float32", help="weights' dtype")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


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
    config = replace(
        DEFAULTS,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        forms=args.forms,
        reading_per_episode=args.reading,
        unknown_per_episode=args.unknown,
        generic_per_step=args.generic_per_step if generic else 0,
        kl_weight=args.kl_weight,
        order=args.order,
        seed=args.seed,
        lora=LoraSettings(rank=args.rank, alpha=2 * args.rank),
    )
    record: dict[str, Any] = {
        "command": " ".join(["harness", "consolidate", *argv]),
        "store": str(args.store),
        "model": loaded.model_id,
        "generic": {"source": GENERIC_SOURCE, "passages": len(generic)},
        "answers": sorted({str(v) for e in episodes for v in e.trace.values() if str(v).strip()}),
        "provenance": versions(),
    }
    try:
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
        else:
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
    if args.cycles > 1:
        for folder in folders:
            cycle = read_record(folder)
            print(
                f"{folder}: {len(cycle['new_episodes'])} new + "
                f"{len(cycle['replayed_episodes'])} replayed episodes, {cycle['steps']} steps"
            )
        return 0
    held = saved["held_out_loss"]
    print(
        f"{args.out}: {len(episodes)} episodes, {sum(saved['rows'].values())} rows, "
        f"{saved['steps']} steps in {saved['train_seconds']:.0f} s; held-out loss by epoch "
        + ", ".join(f"{h:.3f}" for h in held)
    )
    return 0


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
