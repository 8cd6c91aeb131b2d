"""SQuAD in memory: scoring against every gold answer, and a store holding a whole
half of the (test-made) SQuAD files read by the recalled-RAG baseline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hei_nw.baselines import run_recalled_rag
from hei_nw.datasets import squad
from hei_nw.datasets.testing import squad_shaped_archive
from hei_nw.eval import GenerationSettings, StoreSettings, score, side_by_side, store_memories
from hei_nw.metrics import ModelGeometry
from hei_nw.models.testing import shared_tokenizer, tiny_model


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, str]:
    """A bigbench-shaped sdist holding the five files, and its SHA-256."""
    folder = tmp_path / "cache"
    return folder, squad_shaped_archive(folder)


def test_scores_take_the_best_gold_answer() -> None:
    scores = score("in 1903", ["1903", "in 1903"])
    assert scores["strict_em"] == 1.0
    assert score("1903", "in 1903")["strict_em"] == 0.0
    # SQuAD's exact match normalises case, punctuation and articles; the strict one does not.
    assert score("The Eiffel Tower.", "Eiffel Tower")["squad_em"] == 1.0
    assert score("The Eiffel Tower.", "Eiffel Tower")["strict_em"] == 0.0


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
