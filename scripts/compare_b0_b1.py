"""Compare B0 and B1 metrics files: ``python scripts/compare_b0_b1.py B0.json B1.json``.

A thin wrapper over ``hei_nw.harness.commands.compare`` (see its docstring for exit
codes). Under a plain ``python`` that lacks the workspace it re-runs itself
through ``uv run``, so the command works from a fresh clone as written.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

try:
    from hei_nw.harness.commands.compare import main
except ImportError:
    uv = shutil.which("uv")
    if uv is None or os.environ.get("HEI_NW_REEXEC"):
        sys.exit("compare_b0_b1: error: run inside the workspace environment (uv run python ...)")
    os.environ["HEI_NW_REEXEC"] = "1"
    root = Path(__file__).resolve().parent.parent
    os.execv(uv, [uv, "run", "--quiet", "--project", str(root), "python", __file__, *sys.argv[1:]])

if __name__ == "__main__":
    raise SystemExit(main())
