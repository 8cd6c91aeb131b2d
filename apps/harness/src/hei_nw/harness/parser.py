"""The ``harness`` evaluation options: one parser, parsed once in :mod:`hei_nw.harness.cli`."""

from __future__ import annotations

import argparse

from hei_nw.baselines import DEFAULT_CONTEXT_BUDGET
from hei_nw.core import READ_RECIPE, ReadRecipe
from hei_nw.datasets import FIELDS, FORMS, GENERATORS, RENDERS, SPLITS, VALUES
from hei_nw.harness.args import HelpFormatter, layer_list, non_negative, positive
from hei_nw.memory import EMBEDDERS
from hei_nw.models import DEFAULT_MODEL, DTYPES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harness",
        usage="harness [options]  |  harness train ...  |  harness compare ...",
        description="Evaluate HEI-NW modes over scenarios A-E; writes "
        "{scenario}_{mode}_metrics.json, _report.md and _samples.jsonl into --outdir.",
        epilog="subcommands:\n"
        "  harness train ...    train a memory reader (harness train --help)\n"
        "  harness compare ...  compare two runs item by item (harness compare --help)\n"
        "  harness consolidate ...  replay a store into LoRA weights (harness consolidate --help)\n"
        "\nexit codes: 0 done, 2 bad input (one line on stderr), 130 interrupted",
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--mode",
        choices=["B0", "B1", "B2", "B3"],
        default="B1",
        help="B1 (the default: what the project measures) the question alone with the episode "
        "in memory, read by the memory reader (paired with the no-memory floor, beside the "
        "in-prompt reference and the rule parser); B0 the base model alone; "
        "B2 B1 with a consolidated LoRA on the base (beside B1); B3 the LoRA with no "
        "memory, closed book (beside the floor); B2/B3 need --lora",
    )
    parser.add_argument(
        "--scenario", choices=sorted(GENERATORS), default="A", help="scenario generator"
    )
    parser.add_argument(
        "--lora", default=None, help="B2/B3: a LoRA folder made by harness consolidate"
    )
    parser.add_argument(
        "-n",
        type=non_negative,
        default=16,
        help="number of items (0: an empty run that still writes its metrics and report)",
    )
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="dev",
        help="entity vocabulary: dev (held out from training; for steering), test (held out; "
        "release figures only - each use is logged in --test-log), train, or classic (M1 pools)",
    )
    parser.add_argument(
        "--test-log",
        default="reports/TEST_LOG.md",
        help="--split test: the log each test-set evaluation is appended to",
    )
    parser.add_argument(
        "--forms",
        choices=FORMS,
        default="heldout",
        help="question forms: heldout (wordings no training row uses) or train (training's)",
    )
    parser.add_argument(
        "--values",
        choices=VALUES,
        default="plain",
        help="scenario A slot values: plain names, one held-out format, or heldout (every "
        "held-out format in turn)",
    )
    parser.add_argument(
        "--render",
        choices=RENDERS,
        default="template",
        help="scenario A episode in memory: the slot template, a plain sentence, or a paragraph "
        "of several facts",
    )
    parser.add_argument(
        "--fields",
        choices=FIELDS,
        default="slots",
        help="scenario A: extra also gives episodes 'with' and 'why' fields and asks for them",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed for items and model randomness")
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help="offline default, a local folder or a hub id"
    )
    parser.add_argument(
        "--outdir",
        default=None,
        help="report folder; must not be a file (default: a new runs/<time>-<mode>-<scenario>/, "
        "git-ignored, so a casual run never overwrites the committed reports/)",
    )
    parser.add_argument(
        "--baseline",
        choices=["none", "long-context", "rag", "rules"],
        default="none",
        help="also run this baseline on the same items and report it beside the mode (B1 always "
        "runs rules: the template parser reading the same memory)",
    )
    parser.add_argument(
        "--max-new-tokens",
        type=positive,
        default=READ_RECIPE.max_new_tokens,
        help="generation budget per item",
    )
    parser.add_argument("--batch-size", type=positive, default=1, help="prompts per generate call")
    parser.add_argument(
        "--device", default=None, help="cpu, cuda, ... (default: cuda if available)"
    )
    parser.add_argument(
        "--dtype",
        choices=["auto", *DTYPES],
        default="auto",
        help="weights dtype; auto is bf16 on a GPU that supports it, else fp32",
    )
    parser.add_argument(
        "--prompt-style",
        choices=["chat", "plain"],
        default="chat" if READ_RECIPE.chat else "plain",
        help="wrap prompts in the tokenizer's chat template, or not",
    )
    parser.add_argument(
        "--no-context",
        action="store_true",
        help="ask the query without the episode (memory-dependent baseline)",
    )
    parser.add_argument(
        "--no-b0-pair",
        action="store_true",
        help="B1 only: skip the interleaved B0 run (no overhead/equivalence fields)",
    )
    parser.add_argument(
        "--adapter",
        default=READ_RECIPE.reader,
        help="B1 reader: a saved reader folder, 'none' (fresh reader, every gate 0: predictions "
        "equal the floor) or 'default' (the shipped reader for the default model, else none)",
    )
    parser.add_argument(
        "--adapter-layers",
        type=layer_list,
        default=None,
        help="B1: a fresh reader with adapters after these blocks, e.g. 6,12,18,24",
    )
    parser.add_argument(
        "--memory",
        choices=["oracle", "store", "gated", "none"],
        default="oracle",
        help="B1 memory: oracle packs each item's own episode; store writes every episode of "
        "the run to an episodic store and packs the top --recall-k recalled by the question; "
        "gated sends a labelled stream of -n facts amid routine text through the write gate "
        "into a store (beside write-all, random, surprise-only and novelty-only writes); "
        "none reads nothing",
    )
    parser.add_argument(
        "--gate-rate",
        type=float,
        default=5.0,
        help="--memory gated: the gate's target writes per 1,000 stream tokens",
    )
    parser.add_argument(
        "--stream-routine",
        type=positive,
        default=14,
        help="--memory gated: routine segments after each fact (+-3)",
    )
    parser.add_argument(
        "--negatives",
        type=non_negative,
        default=0,
        help="B1 oracle memory: also pack up to this many of the item's hard negatives (its "
        "distractors), in a seeded order; scenario A then draws that many per item",
    )
    parser.add_argument(
        "--recall-k",
        type=positive,
        default=READ_RECIPE.recall_k,
        help="episodes recalled per question (--memory store)",
    )
    parser.add_argument(
        "--store-size",
        type=non_negative,
        default=0,
        help="extra filler episodes written to the store (--memory store)",
    )
    parser.add_argument(
        "--store-keys", choices=["dense", "dg"], default="dense", help="store keys (--memory store)"
    )
    parser.add_argument(
        "--store-url",
        default=None,
        metavar="URL",
        help="--memory store: keep the run's store in this PostgreSQL database (a new tenant "
        "per run) instead of in memory",
    )
    parser.add_argument(
        "--store-embedder",
        choices=EMBEDDERS,
        default="hashing",
        help="store embedder (--memory store); the default is the one measured best in "
        "reports/bench/memory.json",
    )
    parser.add_argument(
        "--rag-k", type=positive, default=5, help="episodes retrieved per query (RAG)"
    )
    parser.add_argument(
        "--context-budget",
        type=positive,
        default=DEFAULT_CONTEXT_BUDGET,
        help="tokens of the run's newest episodes in every long-context prompt",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def read_recipe(args: argparse.Namespace) -> ReadRecipe:
    """The run's reading settings as the one recipe ``Memory`` reads too (the memory cap
    and stop have no option: they are the recipe's)."""
    return ReadRecipe(
        recall_k=args.recall_k,
        memory_cap=READ_RECIPE.memory_cap,
        max_new_tokens=args.max_new_tokens,
        stop=READ_RECIPE.stop,
        chat=args.prompt_style == "chat",
        reader=args.adapter,
    )
