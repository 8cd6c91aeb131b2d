"""End to end: B0 on scenario A with the real default model, and with baselines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hei_nw.datasets import generate
from hei_nw.eval import build_prompt, prompt_hash, template_hash


def test_b0_end_to_end_on_scenario_a(
    harness: Callable[..., int], read_json: Callable[[Path], dict[str, Any]], tmp_path: Path
) -> None:
    assert harness("--mode", "B0", "--scenario", "A", "-n", "3", "--outdir", str(tmp_path)) == 0
    report = read_json(tmp_path / "A_B0_metrics.json")
    config = report["config"]
    assert config["model"] == "smollm2-135m-instruct-q4_1"
    assert config["model_revision"].startswith("gguf-sha256:")
    assert config["seed"] == 7
    assert config["prompt_template_hash"] == template_hash()
    assert config["generation"]["do_sample"] is False
    assert report["versions"]["hei-nw-harness"] == "0.1.0"
    assert report["n_items"] == 3
    # With the episode in the prompt, the real model finds the answers.
    assert report["metrics"]["contains"]["mean"] >= 2 / 3
    for item in report["items"]:
        assert item["generated_tokens"] > 0
        assert item["finish_reason"] in {"eos", "stop", "length"}
        assert item["compute"]["attention_flops"] > 0
    assert "## Lag bins" in (tmp_path / "A_B0_report.md").read_text()


def test_b0_with_long_context_baseline_reports_both_footprints(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    args = ("--mode", "B0", "--scenario", "D", "-n", "2", "--model", str(tiny_model_dir))
    assert (
        harness(
            *args, "--baseline", "long-context", "--max-new-tokens", "4", "--outdir", str(tmp_path)
        )
        == 0
    )
    report = read_json(tmp_path / "D_B0_metrics.json")
    compute = report["compute"]
    assert (
        compute["long_context"]["mean_prompt_tokens"] > compute["no_memory"]["mean_prompt_tokens"]
    )
    kept = report["summary"]["long_context"]
    assert kept["budget_tokens"] == 2048 and kept["budget_tokens_used"] <= 2048
    assert kept["episodes_total"] == sum(
        1 + len(r["distractors"]) for r in generate("D", 2, 7, split="test")
    )


def test_a_long_context_prompt_with_nothing_to_add_is_reported_as_b0(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    args = ("--mode", "B0", "--scenario", "E", "-n", "1", "--model", str(tiny_model_dir))
    out = ("--max-new-tokens", "2", "--outdir", str(tmp_path))
    assert harness(*args, "--baseline", "long-context", *out) == 0
    report = read_json(tmp_path / "E_B0_metrics.json")
    assert report["baselines_identical_to_b0"] == ["long_context"]
    assert report["baselines"] == {}


def test_b0_with_rag_baseline_reports_recall(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    args = ("--mode", "B0", "-n", "2", "--model", str(tiny_model_dir), "--max-new-tokens", "4")
    assert harness(*args, "--baseline", "rag", "--rag-k", "2", "--outdir", str(tmp_path)) == 0
    report = read_json(tmp_path / "A_B0_metrics.json")
    rag = report["baselines"]["rag"]["items"]
    assert [item["id"] for item in rag] == [item["id"] for item in report["items"]]
    recalled = [float(item["id"] in item["retrieved"][:2]) for item in rag]
    assert report["summary"]["rag_recall_at_2"] == sum(recalled) / 2
    # The RAG prompts carry retrieved notes, so they differ from B0's.
    assert all(r["prompt"] != b["prompt"] for r, b in zip(rag, report["items"], strict=True))


def test_no_context_prompt_omits_the_episode(
    harness: Callable[..., int],
    read_json: Callable[[Path], dict[str, Any]],
    tmp_path: Path,
    tiny_model_dir: Path,
) -> None:
    args = ("--mode", "B0", "-n", "2", "--model", str(tiny_model_dir), "--max-new-tokens", "2")
    assert harness(*args, "--no-context", "--outdir", str(tmp_path)) == 0
    report = read_json(tmp_path / "A_B0_metrics.json")
    assert report["config"]["with_context"] is False
    # The prompts actually sent hold the question and not the episode.
    records = generate("A", 2, 7, split="dev", forms="heldout")  # the harness defaults
    for item, record in zip(report["items"], records, strict=True):
        assert prompt_hash(item["prompt"]) == item["prompt_hash"]
        assert record["query"] in item["prompt"]
        assert record["context"] not in item["prompt"]
        assert item["prompt"] == build_prompt(record["query"], None)
