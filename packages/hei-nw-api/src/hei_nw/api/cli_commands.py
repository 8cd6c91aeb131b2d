"""The ``hei-nw`` commands that answer and consolidate, apart from the parser (``cli.py``).

``ask`` streams an answer to a terminal and says what it read, or why it does not
know; ``consolidate`` trains a memory's current episodes into its LoRA with a
progress bar, or (``--status``) says what is consolidated and when.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from hei_nw.api.checks import MemoryUsageError
from hei_nw.api.consolidation import consolidate_memory, status_lines
from hei_nw.api.memory import Memory
from hei_nw.api.printing import answer_record, short

DONT_KNOW = "I don't know — {reason}"
"""Printed for an answer that is not known, with its reason (nothing recalled, or the
recalled notes do not answer it)."""
EXIT_OK, EXIT_INTERRUPTED = 0, 130


def stdin_questions() -> list[str]:
    questions = [line.strip() for line in sys.stdin if line.strip()]
    if not questions:
        raise MemoryUsageError("no questions on standard input (one a line)")
    return questions


def ask(
    memory: Memory, question: str, k: int | None, as_json: bool, closed_book: bool = False
) -> None:
    """Stream the answer to a terminal (printed whole otherwise), then what it read."""
    streaming = sys.stdout.isatty() and not as_json and not closed_book
    if closed_book:
        answer = memory.ask(question, closed_book=True)
    else:
        answer = memory.ask(question, k, stream=_write if streaming else None)
    if as_json:
        print(json.dumps(answer_record(question, answer)))
        return
    if not answer.known:
        print(DONT_KNOW.format(reason=answer.reason))
        for episode in answer.episodes:
            print(f"  looked in {episode.id} (score {episode.score:.2f}): {short(episode.text)}")
        return
    print("" if streaming else answer.text)
    if closed_book:
        print(f"  ({answer.reason})")
    for old in answer.superseded:
        print(f"  ({old} was superseded: read its current version)")
    for episode in answer.episodes:
        print(f"  from {episode.id} (score {episode.score:.2f}): {short(episode.text)}")


def consolidate(memory: Memory, args: argparse.Namespace) -> int:
    """``hei-nw consolidate``: train (or resume), check, say what changed; or ``--status``."""
    if args.status:
        print("\n".join(status_lines(memory)))
        return EXIT_OK
    from hei_nw.consolidate import ConsolidationConfig

    config = ConsolidationConfig()
    if args.epochs is not None:
        if args.epochs <= 0:
            raise MemoryUsageError(f"--epochs must be a positive number, got {args.epochs}")
        config = replace(config, epochs=args.epochs)
    try:
        check = consolidate_memory(memory, config, progress=not args.quiet)
    except KeyboardInterrupt:
        print(
            "hei-nw consolidate: interrupted; run it again to continue from the checkpoint",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print("\n".join(status_lines(memory)))
    if args.json:
        print(json.dumps(check))
    return EXIT_OK


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
