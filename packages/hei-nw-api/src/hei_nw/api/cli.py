"""``hei-nw``: a memory for a small model, from the terminal.

    hei-nw remember "The spare key is under the blue flowerpot." --pin
    hei-nw ask "Where is the spare key?"
    hei-nw list
    hei-nw forget ep-00000000
    hei-nw consolidate            # then: hei-nw ask "..." --closed-book
    hei-nw serve --keys keys.txt --port 8000

Every command takes ``--store DIR``, before or after the command's name: the
memory's folder, or a ``postgresql://`` URL (default ``$HEI_NW_STORE_URL``, else
``$HEI_NW_HOME``, else ``$XDG_DATA_HOME/hei-nw/memory``, else
``~/.local/share/hei-nw/memory``), and ``--tenant NAME`` for a database's memories. Exit codes: 0 done, 1 no such episode,
2 bad input (one line on stderr), 3 not written (already stored, or refused by the
write gate; the reason and any existing id are printed), 130 interrupted.

Only ``ask`` (and ``serve``) load the model: the other commands import neither
torch nor transformers, so they answer in well under a second.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hei_nw.api.checks import MemoryUsageError, UnknownEpisodeError
from hei_nw.api.cli_commands import ask, consolidate, stdin_questions
from hei_nw.api.defaults import DEFAULTS
from hei_nw.api.memory import Memory
from hei_nw.api.printing import as_dict, report_written, summary_line
from hei_nw.memory.protocol import safe_url

EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, EXIT_NOT_WRITTEN, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CODES = (
    "exit codes: 0 done, 1 no such episode, 2 bad input, "
    "3 not written (already stored, or refused by the write gate), 130 interrupted"
)
READING = ("ask", "list", "history", "consolidate")
"""Commands that write no episode: they open the memory read-only, taking no writer lock
(consolidation writes only its weights, under a lock of its own)."""


class ShowDefaults(argparse.ArgumentDefaultsHelpFormatter):
    """Show each option's default, unless it is None (decided later) or a flag's False."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False:
            return action.help or ""
        return super()._get_help_string(action) or ""


def default_store() -> Path | str:
    """Where a memory lives when ``--store`` is not given: ``$HEI_NW_STORE_URL`` (a
    database), else ``$HEI_NW_HOME``, else the user's data folder."""
    if os.environ.get("HEI_NW_STORE_URL"):
        return os.environ["HEI_NW_STORE_URL"]
    if os.environ.get("HEI_NW_HOME"):
        return Path(os.environ["HEI_NW_HOME"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "hei-nw" / "memory"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hei-nw",
        description="A memory for a small language model: remember things once, ask later "
        "with nothing in the prompt.",
        epilog=EXIT_CODES,
    )
    store_help = (
        f"the memory's folder, or a postgresql:// URL (default: {safe_url(str(default_store()))})"
    )
    parser.add_argument("--store", default=None, help=store_help)
    # Each command takes --store too (after its name, as users write it); SUPPRESS keeps
    # a command that was not given it from overwriting the one given before the name.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=argparse.SUPPRESS, help=store_help)
    tenant_help = "whose memory, in a database (default: $HEI_NW_TENANT, else 'default')"
    for where in (parser, common):
        where.add_argument("--tenant", default=argparse.SUPPRESS, help=tenant_help)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, parents=[common], formatter_class=ShowDefaults, help=help, epilog=EXIT_CODES
        )

    remember = command("remember", "store a note as an episode")
    remember.add_argument("text", help="what to remember ('-': read it from standard input)")
    remember.add_argument("--pin", action="store_true", help="pin it: never evicted")
    remember.add_argument("--reward", type=float, default=0.0, help="how much it matters")
    remember.add_argument(
        "--no-redact",
        action="store_true",
        help="keep e-mails, phone, card and IBAN numbers (recorded in the episode's provenance)",
    )
    remember.add_argument(
        "--ttl",
        default=None,
        help="forget it after this long: a number and a unit (s, m, h, d, w), such as 7d",
    )
    remember.add_argument(
        "--replaces",
        default=None,
        metavar="ID",
        help="a stored note this one updates: the old one is kept (see history) but not read",
    )
    remember.add_argument("--json", action="store_true", help="print what happened as JSON")
    asking = command("ask", "answer a question from memory alone")
    asking.add_argument(
        "question",
        help="the question; '-' reads one question a line from standard input and answers "
        "them all with one model load",
    )
    asking.add_argument(
        "-k",
        type=int,
        default=None,
        help=f"episodes to read (default: {DEFAULTS.read.recall_k}, the measured best)",
    )
    asking.add_argument("--json", action="store_true", help="print the answer as JSON")
    asking.add_argument(
        "--closed-book",
        action="store_true",
        help="answer from the consolidated weights alone, reading no episode",
    )
    listing = command("list", "list the stored episodes")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    forget = command("forget", "delete an episode for good")
    forget.add_argument("id", help="the episode's id (see `hei-nw list`)")
    history = command("history", "the notes that replaced one another, oldest first")
    history.add_argument("id", help="any episode of the line (see `hei-nw list`)")
    history.add_argument("--json", action="store_true", help="one JSON object per line")
    command(
        "rotate-key",
        "re-seal every episode under $HEI_NW_ENCRYPTION_KEY (old keys: "
        "$HEI_NW_ENCRYPTION_OLD_KEYS); encrypts a store kept in the clear",
    )
    train = command(
        "consolidate",
        "train the current episodes into low-rank weights kept in the memory's folder; "
        "resumable (run it again), checked on the memory's own held-out questions",
    )
    train.add_argument("--status", action="store_true", help="what is consolidated and when")
    train.add_argument("--epochs", type=int, default=None, help="passes (default: 3)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.add_argument("--json", action="store_true", help="also print the check as JSON")
    move = command("migrate", "copy every episode between a folder and a database (either way)")
    move.add_argument("--from", dest="source", required=True, help="a folder or postgresql:// URL")
    move.add_argument("--to", dest="target", required=True, help="a folder or postgresql:// URL")
    serve = command("serve", "serve memories over HTTP (see --help)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--keys",
        default=None,
        help="file of 'KEY TENANT' lines (else $HEI_NW_API_KEYS as KEY:TENANT,KEY:TENANT)",
    )
    serve.add_argument("--model", default=None, help="a model name or folder (default: SmolLM2)")
    serve.add_argument("--reader", default=None, help="a saved reader's folder (default: shipped)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    store = args.store or default_store()
    args.tenant = getattr(args, "tenant", None) or os.environ.get("HEI_NW_TENANT", "default")
    try:
        if args.command == "serve":
            return serve(store, args)
        if args.command == "migrate":
            return move(args)
        # Commands that only read take no writer lock: they work beside a running server.
        reading = args.command in READING
        with Memory.open(store, read_only=reading, tenant=args.tenant) as memory:
            return run(memory, args)
    except UnknownEpisodeError as exc:
        print(f"hei-nw: no episode {exc.args[0]!r} in {safe_url(str(store))}", file=sys.stderr)
        return EXIT_UNKNOWN
    except _usage_errors() as exc:  # evaluated when an error is raised, not before
        print(f"hei-nw: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("hei-nw: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _usage_errors() -> tuple[type[Exception], ...]:
    """Errors shown as one line with exit 2: ours, and the model stack's if it was
    imported (else none of its errors can have been raised, and importing it just to
    name them would cost seconds)."""
    errors: tuple[type[Exception], ...] = (MemoryUsageError, ValueError)
    for module, name in (("loading", "ModelLoadError"), ("reader_config", "ReaderError")):
        loaded = sys.modules.get(f"hei_nw.models.{module}")
        if loaded is not None:
            errors += (getattr(loaded, name),)
    return errors


def move(args: argparse.Namespace) -> int:
    """``hei-nw migrate``: copy, check, say what happened."""
    from hei_nw.api.migrate import migrate

    done = migrate(args.source, args.target, tenant=args.tenant)
    print(
        f"copied {done.copied} episodes ({done.already} already there) from "
        f"{safe_url(args.source)} to {safe_url(args.target)}; both hold the same "
        f"{done.copied + done.already} (fingerprint {done.fingerprint[:16]})"
    )
    return EXIT_OK


def serve(store: Path | str, args: argparse.Namespace) -> int:
    """Hand over to the server app. It is a separate package that depends on this one (the
    API needs no web stack), so it is found at run time, not declared: installed beside
    the API (as in this workspace) it serves; alone, the API says what is missing."""
    try:
        run_server = importlib.import_module("hei_nw.server.main").serve
    except ImportError:
        print(
            "hei-nw serve: error: the server is not installed (install hei-nw-server)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    code: int = run_server(store, args.host, args.port, args.keys, args.model, args.reader)
    return code


def run(memory: Memory, args: argparse.Namespace) -> int:
    """One command against an open memory."""
    if args.command == "remember":
        written = memory.remember(
            sys.stdin.read() if args.text == "-" else args.text,
            pin=args.pin,
            reward=args.reward,
            redact_private=not args.no_redact,
            source="cli",
            ttl=args.ttl,
            replaces=args.replaces,
        )
        report_written(written, as_json=args.json)
        return EXIT_OK if written.written else EXIT_NOT_WRITTEN
    if args.command == "consolidate":
        return consolidate(memory, args)
    if args.command == "ask":
        questions = [args.question] if args.question != "-" else stdin_questions()
        for question in questions:
            ask(memory, question, args.k, args.json, args.closed_book)
    elif args.command == "list":
        for episode in memory.episodes():
            print(json.dumps(as_dict(episode)) if args.json else summary_line(episode))
    elif args.command == "history":
        line = memory.history(args.id)
        for number, episode in enumerate(line, start=1):
            status = "current" if number == len(line) else "superseded"
            row = as_dict(episode) | {"status": status}
            print(json.dumps(row) if args.json else f"{summary_line(episode)}  [{status}]")
    elif args.command == "forget":
        memory.forget(args.id)
        print(f"forgot {args.id}")
    elif args.command == "rotate-key":
        print(f"re-sealed the log of {memory.rotate_key()} live episodes under the current key")
    return EXIT_OK
