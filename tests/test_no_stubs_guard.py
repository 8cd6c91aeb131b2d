"""The no-stubs guard passes on the tree and fails when a stub marker is added."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUARD = ROOT / "scripts" / "grep_no_stubs.sh"
MARKER = "TO" + "DO"  # spelled in two parts so this file does not trip the guard


def run_guard(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(repo / "scripts" / "grep_no_stubs.sh")],
        capture_output=True,
        text=True,
        check=False,
    )


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(GUARD, repo / "scripts" / "grep_no_stubs.sh")
    (repo / "code.py").write_text("def f() -> int:\n    return 1\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    return repo


def test_guard_passes_on_this_tree() -> None:
    result = run_guard(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No stubs." in result.stdout


def test_guard_fails_when_a_stub_is_added(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    assert run_guard(repo).returncode == 0
    (repo / "docs.md").write_text(f"The guard looks for {MARKER} and friends.\n")
    assert run_guard(repo).returncode == 0  # documentation quoting the pattern is fine
    (repo / "new.py").write_text(
        f"def g() -> None:\n    raise Not{'Implemented'}Error  # {MARKER}\n"
    )
    result = run_guard(repo)
    assert result.returncode == 1
    assert "new.py" in result.stdout


def test_guard_fails_outside_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    (folder / "scripts").mkdir(parents=True)
    shutil.copy(GUARD, folder / "scripts" / "grep_no_stubs.sh")
    result = run_guard(folder)
    # git grep exits 128 here; "no match" (1) is the only non-zero status that means clean.
    assert result.returncode == 2
    assert "cannot vouch" in result.stderr
