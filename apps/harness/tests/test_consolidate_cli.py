"""``harness consolidate`` and ``--mode B2/B3 --lora`` end to end on a tiny model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hei_nw.harness import main
from hei_nw.models.testing import shared_tokenizer, tiny_model

Harness = Callable[..., int]


def consolidate(*args: str) -> int:
    return main(["consolidate", "--quiet", *args])


def test_consolidate_then_ask_closed_book_and_with_memory(
    harness: Harness,
    tiny_model_dir: Path,
    tmp_path: Path,
    read_json: Callable[[Path], dict[str, Any]],
) -> None:
    lora = tmp_path / "lora"
    code = consolidate(
        "--scenario",
        "A",
        "-n",
        "3",
        "--store",
        str(tmp_path / "store"),
        "--out",
        str(lora),
        "--model",
        str(tiny_model_dir),
        "--generic",
        "0",
        "--epochs",
        "1",
        "--unknown",
        "2",
    )
    assert code == 0
    record = json.loads((lora / "consolidation.json").read_text())
    assert len(record["episodes"]) == 3 and record["rows"]["qa"] == 48
    assert 0 < record["rows"]["unknown"] <= 6 and record["config"]["unknown_per_episode"] == 2
    assert record["provenance"]["git"]["commit"] and "Dara" not in record["answers"]
    for mode in ("B3", "B2"):
        out = tmp_path / mode
        assert (
            harness(
                "--mode",
                mode,
                "--model",
                str(tiny_model_dir),
                "-n",
                "3",
                "--lora",
                str(lora),
                "--adapter",
                "none",
                "--outdir",
                str(out),
            )
            == 0
        )
        report = read_json(out / f"A_{mode}_metrics.json")
        rates = report["summary"]["consolidated_value_rate"]
        assert all(0.0 <= rate <= 1.0 for rate in rates.values())
        assert set(report["summary"]["unknown_rate"]) == set(rates)
        assert report["summary"]["lora_episodes"] == 3
        assert report["comparison"]["memory_run"].startswith(mode)


def test_cycles_save_one_lora_per_cycle_and_a_rerun_keeps_them(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cycles"
    args = ["--scenario", "A", "-n", "2", "--cycles", "2", "--out", str(out)]
    args += ["--model", str(tiny_model_dir), "--generic", "0", "--epochs", "1"]
    assert consolidate(*args) == 0
    first, second = (
        json.loads((out / f"cycle-{k}" / "consolidation.json").read_text()) for k in (1, 2)
    )
    assert first["cycle"] == 1 and first["replayed_episodes"] == []
    assert sorted(second["replayed_episodes"]) == first["new_episodes"]
    assert set(second["new_episodes"]).isdisjoint(first["new_episodes"])
    assert second["initial"] == str(out / "cycle-1")
    printed = capsys.readouterr().out
    assert "2 new + 2 replayed episodes" in printed
    saved = (out / "cycle-2" / "adapter_model.safetensors").stat().st_mtime_ns
    assert consolidate(*args) == 0  # finished cycles are kept, not trained again
    assert (out / "cycle-2" / "adapter_model.safetensors").stat().st_mtime_ns == saved
    assert capsys.readouterr().out == printed


def test_the_replay_share_is_a_number_not_only_an_integer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hei_nw.harness.commands.consolidate_options import build_consolidate_parser

    parse = build_consolidate_parser().parse_args
    assert parse(["--out", "o", "--replay-share", "0.5"]).replay_share == 0.5
    for bad in ("-1", "nan", "half"):
        with pytest.raises(SystemExit):
            parse(["--out", "o", "--replay-share", bad])
        assert "--replay-share" in capsys.readouterr().err


def test_scenario_episodes_without_a_store_equal_the_stores(tmp_path: Path) -> None:
    """--scenario without --store (a machine with no index library) consolidates exactly
    the episodes that --scenario with --store would write and read back."""
    from hei_nw.harness.commands.consolidate import load_episodes
    from hei_nw.harness.commands.consolidate_options import build_consolidate_parser

    common = ["--scenario", "B", "-n", "4", "--seed", "3", "--out", str(tmp_path / "o")]
    parse = build_consolidate_parser().parse_args
    in_memory = load_episodes(parse(common))
    stored = load_episodes(parse([*common, "--store", str(tmp_path / "store")]))
    assert in_memory == stored and len(in_memory) == 4


def test_bad_consolidation_input_is_one_line(
    harness: Harness, tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty-store"
    from hei_nw.memory import EpisodeStore, HashingEmbedder

    EpisodeStore(HashingEmbedder(), empty)
    cases: list[tuple[Callable[[], int], str]] = [
        (
            lambda: consolidate(
                "--store", str(empty), "--out", str(tmp_path / "o"), "--model", str(tiny_model_dir)
            ),
            "holds no episodes",
        ),
        (
            lambda: consolidate("--store", str(tmp_path / "nothing"), "--out", str(tmp_path / "o")),
            "is not an episode store",
        ),
        (
            lambda: consolidate("--store", str(empty), "--out", str(tmp_path / "o"), "--resume"),
            "holds no checkpoint.pt",
        ),
        (
            lambda: consolidate("--out", str(tmp_path / "o")),
            "name --store (the episodes to consolidate) or --scenario",
        ),
        (
            lambda: consolidate(
                "--store", str(empty), "--cycles", "3", "--out", str(tmp_path / "o")
            ),
            "--cycles takes --scenario",
        ),
        (
            lambda: harness(
                "--mode", "B3", "--lora", str(tmp_path / "nothing"), "--outdir", str(tmp_path / "r")
            ),
            "--lora:",
        ),
        (
            lambda: harness(
                "--mode", "B1", "--lora", str(tmp_path), "--outdir", str(tmp_path / "r")
            ),
            "--lora applies to --mode B2 and B3 only",
        ),
    ]
    for run, message in cases:
        assert run() == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err


def test_a_lora_for_another_base_is_refused_in_one_line(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hei_nw.consolidate import LoraSettings, attach_lora, save_lora

    wide = tmp_path / "wide"
    tiny_model("llama", hidden_size=128, num_attention_heads=4).save_pretrained(wide)
    shared_tokenizer().save_pretrained(wide)
    save_lora(
        attach_lora(tiny_model("llama"), LoraSettings(rank=2, alpha=4)), tmp_path / "lora", {}
    )
    assert (
        harness(
            "--mode",
            "B3",
            "--model",
            str(wide),
            "--lora",
            str(tmp_path / "lora"),
            "-n",
            "2",
            "--outdir",
            str(tmp_path / "r"),
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "another base model" in err and len(err.strip().splitlines()) == 1
