"""``Memory``: remember, ask, forget and list, durable across reopening, redacting private
data, refusing bad input in one line, safe under concurrent writers."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from hei_nw.api import Memory, MemoryUsageError, UnknownEpisodeError
from hei_nw.api.answers import NOTHING_RECALLED
from hei_nw.models.testing import save_tiny_model_and_reader

os.environ.setdefault("HF_HUB_OFFLINE", "1")

NOTE = "The spare key is under the blue flowerpot."
TRACE = {"who": "Dana Varn", "what": "red backpack", "where": "Café Lumen", "when": "2025-09-10"}


@pytest.fixture(scope="module")
def tiny_parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(model folder, reader folder): a 4-block random llama and a fresh copy-head reader."""
    model, reader = save_tiny_model_and_reader(tmp_path_factory.mktemp("tiny"))
    return str(model), str(reader)


def test_remember_ask_forget_and_reopen(tmp_path: Path, tiny_parts: tuple[str, str]) -> None:
    model, reader = tiny_parts
    with Memory.open(tmp_path / "m", model, reader) as memory:
        note = memory.remember(NOTE, pin=True)
        trace = memory.remember(TRACE)
        assert note.written and trace.written and note.id != trace.id
        assert memory.get(note.id or "").meta["pin"] is True
        answer = memory.ask("Where is the spare key?")
        assert answer.memory_used and answer.episodes[0].id == note.id
        assert isinstance(answer.text, str) and answer.finish_reason in ("eos", "stop", "length")
        assert memory.recall("What did Dana Varn leave at Café Lumen?")[0].id == trace.id
        memory.forget(trace.id or "")
        with pytest.raises(UnknownEpisodeError):
            memory.forget(trace.id or "")
    with Memory.open(tmp_path / "m", model, reader) as again:
        assert [e.id for e in again.episodes()] == [note.id]
        assert again.get(note.id or "").text == NOTE


def test_an_empty_memory_does_not_know_and_loads_no_model(tmp_path: Path) -> None:
    # A model name that cannot load proves no model was needed to say "I don't know".
    with Memory.open(tmp_path, model=str(tmp_path / "no-such-model")) as memory:
        answer = memory.ask("Where is the spare key?")
        answers = memory.ask_many(["Where?", "When?"])
    assert not answer.known and answer.text == "" and answer.reason == NOTHING_RECALLED
    assert not answer.memory_used and answer.episodes == ()
    assert [a.known for a in answers] == [False, False]


def test_known_answers_say_so(tmp_path: Path, tiny_parts: tuple[str, str]) -> None:
    with Memory.open(tmp_path, *tiny_parts) as memory:
        memory.remember("The spare key is under the blue flowerpot.")
        answer = memory.ask("Where is the spare key?")
    assert answer.known and answer.memory_used and answer.reason == "read from memory"


def test_private_data_is_redacted_unless_the_writer_opts_out(tmp_path: Path) -> None:
    secret = "Call Dana on +44 20 7946 0958 or mail dana.varn@lumen-mail.org."
    with Memory.open(tmp_path) as memory:
        redacted = memory.remember(secret)
        kept = memory.remember(secret, redact_private=False)
        assert redacted.redactions == {"email": 1, "phone": 1}
        stored = memory.get(redacted.id or "")
        assert "7946" not in stored.text and "@" not in stored.text
        assert stored.meta["redaction"] == {"email": 1, "phone": 1}
        opted_out = memory.get(kept.id or "")
        assert opted_out.text == secret and opted_out.meta["redaction"] == "off (opted out)"
    log = (tmp_path / "store" / "episodes.jsonl").read_text()
    assert log.count("dana.varn@lumen-mail.org") == 1  # only the opted-out copy


@pytest.mark.parametrize(
    ("episode", "message"),
    [
        ("   ", "must not be empty"),
        ("x" * 20_001, "at most 20000 characters"),
        (3, "a text or a trace"),
    ],
)
def test_bad_episodes_are_one_line_errors(tmp_path: Path, episode: object, message: str) -> None:
    with Memory.open(tmp_path) as memory, pytest.raises(MemoryUsageError, match=message):
        memory.remember(episode)  # type: ignore[arg-type]
    assert not (tmp_path / "store" / "episodes.jsonl").exists()


def test_a_file_is_not_a_memory_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(MemoryUsageError, match="is a file"):
        Memory.open(tmp_path / "file")


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    ids: list[str] = []
    with Memory.open(tmp_path) as memory:

        def writer(n: int) -> None:
            for i in range(25):
                written = memory.remember(f"note {n}-{i}: the parcel went to locker {n * 100 + i}")
                ids.append(written.id or "")
                memory.recall(f"locker {i}")

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(ids) == len(set(ids)) == 200
    with Memory.open(tmp_path) as again:
        assert sorted(e.id for e in again.episodes()) == sorted(ids)


def test_a_question_longer_than_its_cap_is_one_line(tmp_path: Path) -> None:
    with Memory.open(tmp_path) as memory:
        memory.remember("The boat is at pier 9.")
        with pytest.raises(MemoryUsageError, match="a question holds at most 1000 characters"):
            memory.ask("Where is the boat? " * 60)  # 1,140 characters: refused before any model


def test_a_question_over_the_token_cap_is_one_line_naming_the_cap(
    tmp_path: Path, tiny_parts: tuple[str, str]
) -> None:
    model, reader = tiny_parts
    with Memory.open(tmp_path / "m", model, reader) as memory:
        memory.remember("The boat is at pier 9.")
        question = "船在哪里？boat " * 40  # 480 characters, far more than 128 tokens
        with pytest.raises(
            MemoryUsageError, match="a question is limited to 128 tokens; this one has"
        ):
            memory.ask(question)
        assert memory.ask("Where is the boat?").memory_used  # a short one is answered


def test_a_writer_removes_what_a_killed_atomic_write_left(tmp_path: Path) -> None:
    with Memory.open(tmp_path) as memory:
        memory.remember("The boat is at pier 9.")
    stray = tmp_path / "store" / ".episodes.jsonl.tmp.jsonl"  # a rotation killed mid-way
    stray.write_text("half a rewrite")
    with Memory.open(tmp_path, read_only=True) as reader:  # a reader never touches files
        assert len(reader) == 1
    assert stray.exists()
    with Memory.open(tmp_path) as writer:
        assert len(writer) == 1
    assert not stray.exists()
