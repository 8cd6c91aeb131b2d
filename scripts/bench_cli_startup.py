"""Start-up of the commands that need no model: ``hei-nw list`` before and after the
lazy model import, side by side.

"Before" is a git revision (default: the last commit before the change, 9dba701) run
from a temporary worktree on the same interpreter and installed packages: its
sources go first on ``PYTHONPATH``, so only our code differs. Each round runs both,
in alternating order, on the same store of 20 notes, and also times a bad command
line (an argparse error must be as quick). Writes ``reports/bench/cli_startup.json``.

    uv run python scripts/bench_cli_startup.py              # 15 interleaved pairs
    uv run python scripts/bench_cli_startup.py --rounds 3   # a quick look
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import ROOT, machine, spread, write_result

from hei_nw.core import versions

BEFORE = "9dba701"
HEI_NW = Path(sys.executable).parent / "hei-nw"
"""The installed console script: it imports ``hei_nw.api.cli`` from ``PYTHONPATH`` first."""
COMMANDS = {"list": ["list"], "bad_argument": ["frobnicate"]}


def source_path(tree: Path) -> str:
    """Every workspace member's ``src`` folder under ``tree``, for ``PYTHONPATH``."""
    return os.pathsep.join(str(p) for p in sorted(tree.glob("*/*/src")))


def timed(python_path: str, store: Path, command: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": python_path, "HF_HUB_OFFLINE": "1"}
    began = time.perf_counter()
    subprocess.run(
        [str(HEI_NW), "--store", str(store), *command], env=env, capture_output=True, check=False
    )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved pairs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(old), args.before],
            check=True,
        )
        try:
            paths = {"before": source_path(old), "after": source_path(ROOT)}
            store = Path(tmp) / "store"
            for i in range(20):
                timed(paths["after"], store, ["remember", f"Note {i}: locker {i * 7} code {i}."])
            seconds: dict[str, dict[str, list[float]]] = {
                name: {"before": [], "after": []} for name in COMMANDS
            }
            for round_ in range(args.rounds):
                order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
                for name, command in COMMANDS.items():
                    for side in order:
                        seconds[name][side].append(timed(paths[side], store, command))
                print(
                    f"round {round_ + 1}/{args.rounds}: list before "
                    f"{seconds['list']['before'][-1]:.2f} s, after "
                    f"{seconds['list']['after'][-1]:.2f} s",
                    flush=True,
                )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False
            )
    result = {
        "what": "wall time of `hei-nw` commands that need no model, "
        "before vs after importing the model stack lazily",
        "before_revision": args.before,
        "rounds": args.rounds,
        "results": {
            name: {
                "before_s": spread(sides["before"]),
                "after_s": spread(sides["after"]),
                "after_over_before": spread(
                    [a / b for a, b in zip(sides["after"], sides["before"], strict=True)]
                ),
                "samples": sides,
            }
            for name, sides in seconds.items()
        },
        "machine": machine(),
        "versions": versions(),
    }
    path = write_result("cli_startup", result)
    for name, row in result["results"].items():
        print(
            f"{name}: before {row['before_s']['median']:.2f} s, after "
            f"{row['after_s']['median']:.2f} s, ratio {row['after_over_before']['median']:.2f} "
            f"(IQR {row['after_over_before']['q1']:.2f}-{row['after_over_before']['q3']:.2f})"
        )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
