"""``hei-nw serve`` (and ``python -m hei_nw.server``): run the memory server with uvicorn."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hei_nw.api import DEFAULTS, is_database_url, safe_url
from hei_nw.api.defaults import choosing
from hei_nw.server.app import ServerSettings, create_app
from hei_nw.server.tenants import KeyFileError, Tenants


def serve(
    store: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    keys: str | None = None,
    model: str | None = None,
    reader: str | None = None,
    **limits: Any,
) -> int:
    """Serve the memories under ``store`` until interrupted; 2 on bad keys. ``limits``
    override :class:`ServerSettings` fields (``rate_per_s``, ``burst``, ...)."""
    import uvicorn

    try:
        tenants = Tenants.from_file(keys) if keys else Tenants.from_env()
    except KeyFileError as exc:
        print(f"hei-nw serve: error: {exc}", file=sys.stderr)
        return 2
    memory = choosing(DEFAULTS, model, reader)
    where = str(store) if is_database_url(str(store)) else Path(store).expanduser()
    settings = ServerSettings(store=where, memory=memory, **limits)
    print(
        f"hei-nw: serving {len(tenants.names())} tenant(s) from {safe_url(str(where))} on "
        f"http://{host}:{port} (API docs: /docs)",
        file=sys.stderr,
    )
    uvicorn.run(create_app(settings, tenants), host=host, port=port, log_level="warning")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hei_nw.server", description="Serve HEI-NW memories."
    )
    parser.add_argument(
        "--store", required=True, help="a folder of tenants' memories, or a postgresql:// URL"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--keys", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--reader", default=None)
    parser.add_argument("--rate-per-s", type=float, default=None, help="requests a second per key")
    parser.add_argument("--burst", type=int, default=None, help="requests a key may send at once")
    parser.add_argument("--max-batch", type=int, default=None, help="asks per generate call")
    parser.add_argument(
        "--ask-deadline-s", type=float, default=None, help="503 for an ask not answered by then"
    )
    parser.add_argument(
        "--stall-s", type=float, default=None, help="/healthz is 503 past this long generating"
    )
    parser.add_argument(
        "--tenant-metrics",
        action="store_true",
        default=None,
        help="episode counts per tenant in /metrics (salted labels; default: one total)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    given = {
        "rate_per_s": args.rate_per_s,
        "burst": args.burst,
        "max_batch": args.max_batch,
        "tenant_metrics": args.tenant_metrics,
        "stall_s": args.stall_s,
        "ask_deadline_s": args.ask_deadline_s,
    }
    limits = {k: v for k, v in given.items() if v is not None}
    return serve(args.store, args.host, args.port, args.keys, args.model, args.reader, **limits)
