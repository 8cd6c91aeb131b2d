"""The test split's discipline: every evaluation on it is counted in a log.

Development steers on the dev split; the test split gives release figures. A
run with ``--split test`` says so in its report (``"test_set": true``) and
appends one line to the log (``reports/TEST_LOG.md`` by default): when, which
command, where its report went, and the running count - so anyone can see how
often the test set was looked at.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from hei_nw.core import write_text_atomic

HEADER = """# Test-set evaluations

Every harness run on the test split (`--split test`) adds a line here. Development
steers on the dev split; the test split is for release figures only.

| # | when (UTC) | command | report |
|---|---|---|---|
"""
_ROW = re.compile(r"^\| (\d+) \|", re.MULTILINE)


def log_test_use(log: str | Path, command: str, report: str | Path) -> int:
    """Append one evaluation to ``log`` (created with its header); returns its number."""
    path = Path(log)
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER
    count = max((int(n) for n in _ROW.findall(text)), default=0) + 1
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    cell = command.replace("|", "\\|")
    text = text.rstrip("\n") + f"\n| {count} | {when} | `{cell}` | {report} |\n"
    write_text_atomic(path, text)
    return count
