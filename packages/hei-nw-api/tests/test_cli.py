"""``hei-nw``: the user path on the real default model - remember, ask, list, forget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hei_nw.api.cli import default_store, main


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


def test_default_store_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEI_NW_HOME", str(tmp_path / "home"))
    assert default_store() == tmp_path / "home"
    monkeypatch.delenv("HEI_NW_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store() == tmp_path / "data" / "hei-nw" / "memory"
