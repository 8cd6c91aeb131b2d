"""``hei-nw``: the user path on the real default model - remember, ask, list, forget."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hei_nw.api.answers import NOTHING_RECALLED
from hei_nw.api.cli import EXIT_NOT_WRITTEN, build_parser, default_store, main
from hei_nw.api.cli_commands import DONT_KNOW


def test_remember_then_ask_answers_from_memory_with_the_default_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path)]
    assert main([*store, "remember", "The spare key is under the blue flowerpot.", "--pin"]) == 0
    assert capsys.readouterr().out.startswith("remembered ep-00000000")
    assert main([*store, "ask", "Where is the spare key?"]) == 0
    out = capsys.readouterr().out
    assert "blue flowerpot" in out.splitlines()[0]  # SmolLM2 with the shipped reader
    assert "from ep-00000000" in out
    assert main([*store, "ask", "Where is the spare key?", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["memory_used"] and record["episodes"][0]["id"] == "ep-00000000"


def test_list_and_forget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path)]
    main([*store, "remember", "Lunch is at noon on Fridays."])
    main([*store, "remember", "Mail me at ana@example.org", "--no-redact"])
    capsys.readouterr()
    assert main([*store, "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == ["ep-00000000", "ep-00000001"]
    assert rows[1]["meta"]["redaction"] == "off (opted out)"
    assert main([*store, "forget", "ep-00000000"]) == 0
    assert main([*store, "forget", "ep-00000000"]) == 1
    assert "no episode 'ep-00000000'" in capsys.readouterr().err
    assert main([*store, "list"]) == 0
    assert capsys.readouterr().out.startswith("ep-00000001")


def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    assert main(["--store", str(tmp_path / "file"), "list"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("hei-nw: error:") and "\n" not in err
    assert main(["--store", str(tmp_path / "m"), "remember", "  "]) == 2
    capsys.readouterr()
    assert main(["remember", "a note", "--store", str(tmp_path / "file" / "under")]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err
        == f"hei-nw: error: cannot use {tmp_path / 'file' / 'under'} as a memory folder: Not a directory"
    )


def test_default_store_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEI_NW_HOME", str(tmp_path / "home"))
    assert default_store() == tmp_path / "home"
    monkeypatch.delenv("HEI_NW_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store() == tmp_path / "data" / "hei-nw" / "memory"


def test_store_is_accepted_before_and_after_the_command(tmp_path: Path) -> None:
    after = build_parser().parse_args(["remember", "x", "--store", str(tmp_path / "a")])
    before = build_parser().parse_args(["--store", str(tmp_path / "b"), "list"])
    both = build_parser().parse_args(["--store", "outer", "ask", "q", "--store", "inner"])
    assert after.store == str(tmp_path / "a") and before.store == str(tmp_path / "b")
    assert both.store == "inner"  # the nearer one wins (a folder, or a database URL)
    for command in ("remember", "ask", "list", "forget", "rotate-key", "serve"):
        subparsers = build_parser()._subparsers
        assert subparsers is not None
        choices = subparsers._group_actions[0].choices
        assert isinstance(choices, dict)
        assert "--store" in choices[command].format_help()


def test_a_repeated_note_is_not_written_and_says_which_episode_holds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = "The spare key is under the blue flowerpot."
    assert main(["remember", note, "--store", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["remember", note, "--store", str(tmp_path)]) == EXIT_NOT_WRITTEN == 3
    assert capsys.readouterr().out.startswith("already stored as ep-00000000: nothing written")
    assert main(["remember", note.upper(), "--store", str(tmp_path), "--json"]) == 3
    record = json.loads(capsys.readouterr().out)
    assert record["written"] is False and record["id"] is None
    assert record["existing_id"] == "ep-00000000" and "already stored" in record["reason"]
    assert "3 not written" in build_parser().format_help()


def test_an_empty_store_says_it_does_not_know(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "Where is the spare key?", "--store", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == DONT_KNOW.format(reason=NOTHING_RECALLED)
    assert main(["ask", "Where is the spare key?", "--store", str(tmp_path), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["answer"] is None and record["known"] is False


def test_ask_reads_many_questions_from_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Where is the key?\n\nWho called?\n"))
    assert main(["ask", "-", "--json", "--store", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in rows] == ["Where is the key?", "Who called?"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["ask", "-", "--store", str(tmp_path)]) == 2
    assert "no questions on standard input" in capsys.readouterr().err


def test_commands_that_need_no_model_never_import_torch(tmp_path: Path) -> None:
    code = (
        "import sys; from hei_nw.api.cli import main; "
        f"main(['remember', 'a note', '--store', {str(tmp_path)!r}]); "
        f"main(['list', '--store', {str(tmp_path)!r}]); "
        f"main(['ask', 'x', '--store', {str(tmp_path / 'empty')!r}]); "
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_remember_reads_standard_input_and_refuses_a_non_finite_reward(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("The boat is at pier 9.\n"))
    assert main(["remember", "-", "--store", str(tmp_path)]) == 0
    assert main(["list", "--json", "--store", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()[1:]]
    assert [r["text"] for r in rows] == ["The boat is at pier 9."]
    for reward in ("nan", "inf", "-inf"):
        assert main(["remember", "A note.", f"--reward={reward}", "--store", str(tmp_path)]) == 2
        assert "reward must be a finite number" in capsys.readouterr().err
