"""``harness consolidate``'s options, with the measured defaults they start from
(:class:`hei_nw.consolidate.ConsolidationConfig`)."""

from __future__ import annotations

import argparse

from hei_nw.consolidate import CHECKPOINT, ORDERS, UNKNOWN, ConsolidationConfig
from hei_nw.datasets import GENERATORS, SPLITS
from hei_nw.harness.args import HelpFormatter, non_negative, non_negative_float, positive
from hei_nw.models import DEFAULT_MODEL, DTYPES

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
