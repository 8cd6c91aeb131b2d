"""``hei-nw``: a memory for a small model, from the terminal.

    hei-nw remember "The spare key is under the blue flowerpot." --pin
    hei-nw ask "Where is the spare key?"
    hei-nw list
    hei-nw forget ep-00000000
    hei-nw serve --keys keys.txt --port 8000

Every command takes ``--store DIR``: the memory's folder (default
``$HEI_NW_HOME``, else ``$XDG_DATA_HOME/hei-nw/memory``, else
``~/.local/share/hei-nw/memory``). Exit codes: 0 done, 1 no such episode,
2 bad input (one line on stderr), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hei_nw.api.memory import Memory, MemoryUsageError, UnknownEpisodeError
from hei_nw.memory import Episode
from hei_nw.models import ModelLoadError, ReaderError

EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class ShowDefaults(argparse.ArgumentDefaultsHelpFormatter):
    """Show each option's default, unless it is None (decided later) or a flag's False."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False:
            return action.help or ""
        return super()._get_help_string(action) or ""


def default_store() -> Path:
    """Where a memory lives when ``--store`` is not given."""
    if os.environ.get("HEI_NW_HOME"):
        return Path(os.environ["HEI_NW_HOME"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "hei-nw" / "memory"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hei-nw",
        description="A memory for a small language model: remember things once, ask later "
        "with nothing in the prompt.",
        epilog="exit codes: 0 done, 1 no such episode, 2 bad input, 130 interrupted",
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help=f"the memory's folder (default: {default_store()})",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    remember = commands.add_parser(
        "remember", formatter_class=ShowDefaults, help="store a note as an episode"
    )
    remember.add_argument("text", help="what to remember")
    remember.add_argument("--pin", action="store_true", help="pin it: never evicted")
    remember.add_argument("--reward", type=float, default=0.0, help="how much it matters")
    remember.add_argument(
        "--no-redact",
        action="store_true",
        help="keep e-mails, phone, card and IBAN numbers (recorded in the episode's provenance)",
    )
    ask = commands.add_parser(
        "ask", formatter_class=ShowDefaults, help="answer a question from memory alone"
    )
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=None, help="episodes to read (default: measured best)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    listing = commands.add_parser(
        "list", formatter_class=ShowDefaults, help="list the stored episodes"
    )
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    forget = commands.add_parser(
        "forget", formatter_class=ShowDefaults, help="delete an episode for good"
    )
    forget.add_argument("id", help="the episode's id (see `hei-nw list`)")
    commands.add_parser(
        "rotate-key",
        formatter_class=ShowDefaults,
        help="re-seal every episode under $HEI_NW_ENCRYPTION_KEY (old keys: "
        "$HEI_NW_ENCRYPTION_OLD_KEYS); encrypts a store kept in the clear",
    )
    serve = commands.add_parser(
        "serve", formatter_class=ShowDefaults, help="serve memories over HTTP (see --help)"
    )
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
    try:
        if args.command == "serve":
            return serve(store, args)
        with Memory.open(store) as memory:
            return run(memory, args)
    except UnknownEpisodeError as exc:
        print(f"hei-nw: no episode {exc.args[0]!r} in {store}", file=sys.stderr)
        return EXIT_UNKNOWN
    except (MemoryUsageError, ModelLoadError, ReaderError, ValueError) as exc:
        print(f"hei-nw: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("hei-nw: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def serve(store: Path, args: argparse.Namespace) -> int:
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
            args.text,
            pin=args.pin,
            reward=args.reward,
            redact_private=not args.no_redact,
            source="cli",
        )
        removed = ", ".join(f"{n} {kind}" for kind, n in written.redactions.items())
        print(f"remembered {written.id}" + (f" (redacted: {removed})" if removed else ""))
    elif args.command == "ask":
        ask(memory, args.question, args.k, as_json=args.json)
    elif args.command == "list":
        for episode in memory.episodes():
            print(json.dumps(as_dict(episode)) if args.json else summary_line(episode))
    elif args.command == "forget":
        memory.forget(args.id)
        print(f"forgot {args.id}")
    elif args.command == "rotate-key":
        print(f"re-sealed the log of {memory.rotate_key()} live episodes under the current key")
    return EXIT_OK


def ask(memory: Memory, question: str, k: int | None, as_json: bool) -> None:
    """Stream the answer to a terminal (printed whole otherwise), then what it read."""
    streaming = sys.stdout.isatty() and not as_json
    answer = memory.ask(question, k, stream=_write if streaming else None)
    if as_json:
        used = [{"id": e.id, "score": e.score, "text": e.text} for e in answer.episodes]
        record = {"answer": answer.text, "episodes": used, "memory_used": answer.memory_used}
        print(json.dumps({**record, "latency_s": answer.latency_s}))
        return
    print("" if streaming else answer.text)
    if not answer.memory_used:
        print("(no memories yet: answered without memory)")
    for episode in answer.episodes:
        print(f"  from {episode.id} (score {episode.score:.2f}): {_short(episode.text)}")


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def as_dict(episode: Episode) -> dict[str, object]:
    return {"id": episode.id, "text": episode.text, "trace": episode.trace, "meta": episode.meta}


def summary_line(episode: Episode) -> str:
    pinned = "pinned " if episode.meta.get("pin") else ""
    when = str(episode.meta.get("written_at", ""))[:16]
    return f"{episode.id}  {when}  {pinned}{_short(episode.text)}"
