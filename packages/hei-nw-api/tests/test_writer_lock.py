"""One writer per memory folder across processes: a second writer waits, then gets one
line; readers take no lock; the lock goes with close (or the process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from hei_nw.api import DEFAULTS, Memory, MemoryUsageError
from hei_nw.api.cli import main

QUICK = replace(DEFAULTS, lock_timeout_s=0.3)


def test_a_second_writer_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    first = Memory.open(tmp_path, settings=QUICK)
    first.remember("The boat is at pier 9.")
    with pytest.raises(MemoryUsageError, match="being written by process"):
        Memory.open(tmp_path, settings=QUICK)
    with Memory.open(tmp_path, read_only=True) as reader:  # readers take no lock
        assert [e.text for e in reader.episodes()] == ["The boat is at pier 9."]
        with pytest.raises(MemoryUsageError, match="read-only"):
            reader.remember("Another note.")
    first.close()
    with pytest.raises(MemoryUsageError, match="closed"):
        first.remember("Too late.")
    with Memory.open(tmp_path, settings=QUICK) as second:
        assert second.remember("Another note.").id == "ep-00000001"


def test_the_cli_beside_a_process_holding_the_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``remember`` waits the default 5 s for the lock, then says who holds it."""
    holder = textwrap.dedent(
        f"""
        import sys, time
        from hei_nw.api import Memory
        memory = Memory.open({str(tmp_path)!r})
        memory.remember("The boat is at pier 9.")
        print("ready", flush=True)
        sys.stdin.readline()  # hold the memory until told to let go
        memory.close()
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", holder], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        assert process.stdout.readline().strip() == "ready"
        store = ["--store", str(tmp_path)]
        assert main(["list", *store]) == 0  # reading works beside the writer
        assert "pier 9" in capsys.readouterr().out
        assert main(["remember", "A second note.", *store]) == 2
        err = capsys.readouterr().err.strip()
        assert "is being written by process" in err and "\n" not in err
    finally:
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait(timeout=30)
    assert main(["remember", "A second note.", "--store", str(tmp_path)]) == 0
