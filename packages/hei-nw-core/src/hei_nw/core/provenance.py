"""What produced a run: library versions and the git commit of the code."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

OUR_DISTRIBUTIONS = (
    "hei-nw-core",
    "hei-nw-adapter",
    "hei-nw-pack",
    "hei-nw-datasets",
    "hei-nw-metrics",
    "hei-nw-models",
    "hei-nw-eval",
    "hei-nw-memory",
    "hei-nw-train",
    "hei-nw-consolidate",
    "hei-nw-api",
    "hei-nw-harness",
    "hei-nw-server",
)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def git_state(cwd: str | Path | None = None) -> dict[str, Any]:
    """``{"commit", "dirty"}`` of the repository around ``cwd`` (None outside git).

    ``dirty`` means tracked code anywhere in the repository differs from the
    commit (status runs at the top level, not in this package's folder);
    changes under ``reports/`` (what runs write) do not count.
    """
    start = Path(cwd) if cwd else Path(__file__).resolve().parent
    try:
        where = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":(exclude)reports",
            ],
            cwd=where,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def versions() -> dict[str, Any]:
    """Python, torch, transformers and our distributions, plus the git state."""
    return {
        "python": platform.python_version(),
        "torch": _version("torch"),
        "transformers": _version("transformers"),
        **{dist: _version(dist) for dist in OUR_DISTRIBUTIONS},
        "git": git_state(),
    }
