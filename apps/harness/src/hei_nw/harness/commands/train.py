"""``harness train``: train a memory reader; the output folder is a saved reader.

Examples::

    harness train --preset smoke --out /tmp/reader          # CI: a tiny model, under a minute
    harness train --preset smollm2 --out runs/smollm2-copy   # the shipped SmolLM2 reader
    harness train --preset smollm2 --out runs/smollm2-copy --resume
    accelerate launch -m hei_nw.harness train --preset smollm2 --out runs/gpu   # several GPUs
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hei_nw.harness.args import HelpFormatter, UsageError, check_output_folder, layer_list, positive
from hei_nw.models import ModelLoadError, ReaderError
from hei_nw.train import CHECKPOINT, PRESETS, preset, train
from hei_nw.train.sources import SOURCES


def by_preset(field: str) -> str:
    """``"(default: smoke 120, smollm2 450)"``: what each preset sets ``field`` to."""
    values = ", ".join(f"{name} {getattr(preset(name, ''), field)}" for name in sorted(PRESETS))
    return f"(default: the preset's: {values})"


def build_train_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness train",
        description="Train the memory reader on episodes whose entities it can never memorise; "
        "evaluates held-out exact match on a disjoint vocabulary as it goes.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--preset", choices=sorted(PRESETS), default="smollm2", help="starting recipe"
    )
    parser.add_argument("--out", required=True, help="output folder (a saved reader, log, curves)")
    parser.add_argument(
        "--task",
        choices=sorted(SOURCES),
        default=None,
        help="example source " + by_preset("task"),
    )
    parser.add_argument(
        "--steps", type=positive, default=None, help="optimizer steps " + by_preset("steps")
    )
    parser.add_argument(
        "--batch-size",
        type=positive,
        default=None,
        help="examples per step " + by_preset("batch_size"),
    )
    parser.add_argument(
        "--lr",
        type=float,
        default=None,
        help="peak learning rate (gates: --gate-lr) " + by_preset("lr"),
    )
    parser.add_argument(
        "--gate-lr",
        type=float,
        default=None,
        help="peak learning rate of the gates " + by_preset("gate_lr"),
    )
    parser.add_argument(
        "--adapter-layers",
        type=layer_list,
        default=None,
        help="adapter blocks, e.g. 6,12,18,24 ('' for none)",
    )
    parser.add_argument(
        "--memory-layer", type=int, default=None, help="block whose memory states feed the adapters"
    )
    parser.add_argument(
        "--copy-layer", type=int, default=None, help="block of the copy head's keys and queries"
    )
    parser.add_argument(
        "--copy-context-layer",
        type=int,
        default=None,
        help="deeper block whose states join the copy head's query (what the question asks)",
    )
    parser.add_argument(
        "--no-copy", action="store_true", help="train the plain reader (no copy head)"
    )
    parser.add_argument(
        "--cue-match",
        choices=["on", "off"],
        default=None,
        help="let the copy head see which memory tokens the question names (preset: on)",
    )
    parser.add_argument(
        "--kl-weight",
        type=float,
        default=None,
        help="weight of KL to the in-context teacher on answer tokens (0: off) "
        + by_preset("kl_weight"),
    )
    parser.add_argument(
        "--eval-every",
        type=positive,
        default=None,
        help="held-out evaluation interval " + by_preset("eval_every"),
    )
    parser.add_argument(
        "--eval-n",
        type=positive,
        default=None,
        help="held-out examples per evaluation " + by_preset("eval_n"),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of data and initialisation " + by_preset("seed"),
    )
    parser.add_argument(
        "--device", default=None, help="cpu, cuda, ... (default: cuda if available)"
    )
    parser.add_argument(
        "--mixed-precision",
        choices=["bf16", "no"],
        default=None,
        help="autocast on a GPU (never on CPU); 'no' trains in fp32 like the CPU",
    )
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument(
        "--resume",
        action="store_true",
        help="continue from the folder's checkpoint; an error if the folder has none",
    )
    resume.add_argument(
        "--resume-or-start",
        action="store_true",
        help="continue from the folder's checkpoint, or start afresh if it has none",
    )
    parser.add_argument(
        "--stop-after",
        type=positive,
        default=None,
        help="checkpoint and exit after this many steps",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def check_resume(args: argparse.Namespace) -> bool:
    """Whether to resume; ``--resume`` without a checkpoint is a one-line error, not a
    silent fresh start (hours of training from zero where a continuation was meant)."""
    check_output_folder("--out", args.out)
    has_checkpoint = (Path(args.out) / CHECKPOINT).is_file()
    if args.resume and not has_checkpoint:
        raise UsageError(
            f"--resume: {args.out} holds no checkpoint ({CHECKPOINT}); "
            "use --resume-or-start to start afresh when there is none"
        )
    if args.resume_or_start and not has_checkpoint:
        print(f"harness train: no checkpoint in {args.out}; starting afresh", file=sys.stderr)
    return has_checkpoint and (args.resume or args.resume_or_start)


def train_main(argv: Sequence[str]) -> int:
    args = build_train_parser().parse_args(argv)
    try:
        resume = check_resume(args)
    except UsageError as exc:
        print(f"harness train: error: {exc}", file=sys.stderr)
        return 2
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = preset(
        args.preset,
        args.out,
        task=args.task,
        steps=args.steps,
        batch_size=args.batch_size,
        lr=args.lr,
        gate_lr=args.gate_lr,
        kl_weight=args.kl_weight,
        read_layers=args.adapter_layers,
        memory_layer=args.memory_layer,
        copy_key_layer=args.copy_layer,
        copy_query_layer=args.copy_layer,
        copy_context_layer=args.copy_context_layer,
        copy=False if args.no_copy else None,
        copy_cue_match=None if args.cue_match is None else args.cue_match == "on",
        mixed_precision=args.mixed_precision,
        eval_every=args.eval_every,
        eval_n=args.eval_n,
        seed=args.seed,
        device=args.device,
    )
    try:
        result = train(config, resume=resume, quiet=args.quiet, stop_after=args.stop_after)
    except (ModelLoadError, ReaderError, ValueError) as exc:
        print(f"harness train: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "harness train: interrupted; rerun with --resume to continue from the last checkpoint",
            file=sys.stderr,
        )
        return 130
    if result is None:
        print(
            f"paused with a checkpoint in {args.out}; continue with the same command and --resume"
        )
        return 0
    held = result.held_out
    print(f"saved reader: {result.out}")
    print(f"steps {result.steps}, final loss {result.final_loss:.3f}")
    print(f"held-out EM {held['em']:.3f} (n = {held['n']}), no-memory floor {result.floor_em:.3f}")
    for kind, value in held["by_kind"].items():
        if kind != "all":
            print(f"  {kind:<12} {value:.3f}")
    return 0
