"""Print Markdown tables of committed B0 and B1 reports (the README's results section).

uv run python scripts/summarise_reports.py [reports]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hei_nw.metrics import with_current_names


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = with_current_names(json.loads(path.read_text(encoding="utf-8")))
    return data


def _count(report: dict[str, Any], baseline: str) -> int:
    """Items of a baseline: counted in the samples file (schema 2) or inline (schema 1)."""
    if "samples" in report:
        return int(report["samples"]["lines"][baseline])
    return len(report["baselines"][baseline]["items"])


def b0_table(folder: Path) -> list[str]:
    lines = [
        "| scenario | n | strict EM | SQuAD EM | F1 | contains | p50 latency (s) | mean prompt tokens |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path in sorted(folder.glob("*_B0_metrics.json")):
        report = load(path)
        m = report["metrics"]
        lines.append(
            f"| {report['scenario']} | {report['n_items']} | {m['strict_em']['mean']:.3f} | "
            f"{m['squad_em']['mean']:.3f} | {m['f1']['mean']:.3f} | {m['contains']['mean']:.3f} | "
            f"{report['latency_s']['p50']:.2f} | {report['compute']['no_memory']['mean_prompt_tokens']:.0f} |"
        )
        for name, baseline in report.get("baselines", {}).items():
            b = baseline["metrics"]
            lines.append(
                f"| {report['scenario']} ({name}) | {_count(report, name)} | {b['strict_em']['mean']:.3f} | "
                f"{b['squad_em']['mean']:.3f} | {b['f1']['mean']:.3f} | {b['contains']['mean']:.3f} | – | "
                f"{report['compute'][name]['mean_prompt_tokens']:.0f} |"
            )
    return lines


def b1_table(folder: Path) -> list[str]:
    lines = [
        "| scenario | n | identical to B0 | mismatches | overhead (s, median paired) | B1/B0 latency "
        "| reader (blocks, copy head) | memory tokens (mean) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path in sorted(folder.glob("*_B1_metrics.json")):
        report = load(path)
        s = report["summary"]
        lines.append(
            f"| {report['scenario']} | {report['n_items']} | {s['predictions_identical_to_b0']} | "
            f"{s['prediction_mismatches']} | {s['adapter_latency_overhead_s']:+.4f} | "
            f"{s['b1_b0_latency_ratio']:.3f} | {s['reader']}: {s['read_layers']}, "
            f"copy {'yes' if s['copy_head'] else 'no'} | {s['mean_memory_tokens']:.0f} |"
        )
    return lines


def m2_table(folder: Path) -> list[str]:
    """B1 memory-only beside its floor and reference, one row per scenario report."""
    lines = [
        "| scenario | n | B1 memory only EM [95% Wilson] | floor EM | reference EM / contains "
        "| B1 − floor [95% paired bootstrap] |",
        "|---|---|---|---|---|---|",
    ]
    for path in sorted(folder.glob("*_B1_metrics.json")):
        report = load(path)
        runs = report["comparison"]["runs"]
        memory = runs["B1 memory-only"]["strict_em"]
        floor = runs["B0 no-context (floor)"]["strict_em"]
        reference = runs["B0 episode in prompt (reference)"]["strict_em"]
        contains = report["baselines"]["episode_in_prompt"]["metrics"]["contains"]["mean"]
        delta = report["comparison"]["memory_minus_floor_em"]
        lines.append(
            f"| {report['scenario']} | {memory['n']} | **{memory['mean']:.3f}** "
            f"[{memory['ci_low']:.3f}, {memory['ci_high']:.3f}] | {floor['mean']:.3f} | "
            f"{reference['mean']:.3f} / {contains:.3f} | {delta['mean_diff']:+.3f} "
            f"[{delta['ci_low']:+.3f}, {delta['ci_high']:+.3f}] |"
        )
    return lines


def _cell(metric: dict[str, Any]) -> str:
    return f"{metric['mean']:.3f} [{metric['ci_low']:.3f}, {metric['ci_high']:.3f}]"


def held_out_table(folder: Path) -> list[str]:
    """Every B1 report under ``folder`` (the release rows): the reader beside the rule
    parser, the floor and the reference, with what each row holds out."""
    lines = [
        "| row | what is held out / in memory | n | B1 memory only EM | rules EM | floor EM "
        "| reference EM / F1 | B1 F1 | stale answers (B1 / rules) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for path in sorted(folder.rglob("*_B1_metrics.json")):
        report = load(path)
        options = report["config"].get("dataset_options")
        if options is None or "families" not in report:
            continue  # reports from before the held-out families
        base = report["baselines"]
        values: dict[str, list[str]] = {}
        for r in report["families"]:
            if r["axis"] != "scenario":
                values.setdefault(r["axis"], []).append(r["value"])
        family = {k: v[0] if len(v) == 1 else f"{len(v)} kinds" for k, v in values.items()}
        stale = [r for r in report["families"] if "stale" in next(iter(r["runs"].values()))]
        stale_cell = "-"
        if stale:
            runs = stale[0]["runs"]
            stale_cell = f"{runs['B1']['stale']['mean']:.3f} / {runs['rules']['stale']['mean']:.3f}"
        reference = base["episode_in_prompt"]["metrics"]
        row = path.parent.relative_to(folder).as_posix()
        lines.append(
            f"| {report['scenario']} ({'main' if row == '.' else row}) | "
            f"{', '.join(f'{k} {v}' for k, v in family.items())} | {report['n_items']} | "
            f"**{_cell(report['metrics']['strict_em'])}** | {_cell(base['rules']['metrics']['strict_em'])} | "
            f"{base['no_memory_floor']['metrics']['strict_em']['mean']:.3f} | "
            f"{reference['strict_em']['mean']:.3f} / {reference['f1']['mean']:.3f} | "
            f"{report['metrics']['f1']['mean']:.3f} | {stale_cell} |"
        )
    return lines


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "reports")
    print(
        "\n".join(["**B0** (`bash scripts/run_b0_small.sh`)", "", *b0_table(root / "baseline"), ""])
    )
    print(
        "\n".join(
            [
                "**B1, a fresh reader (every gate 0) reading each item's episode** (`bash scripts/run_b1_empty.sh`)",
                "",
                *b1_table(root / "m1-episodic-adapter"),
            ]
        )
    )
    print(
        "\n".join(
            [
                "",
                "**M2, B1 memory only** (`bash scripts/run_b1_memory.sh`)",
                "",
                *m2_table(root / "m2-memory"),
                "",
                "**Held-out families, test split** (`bash scripts/run_b1_memory.sh`)",
                "",
                *held_out_table(root / "m2-memory"),
            ]
        )
    )


if __name__ == "__main__":
    main()
