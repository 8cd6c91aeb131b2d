"""One row per consolidation run (scripts/run_consolidation.sh's OUT folders): the ablation
table of documentation/consolidation.md, read from the committed reports, never typed in.

Each run folder holds ``lora/consolidation.json`` and the reports ``A-B3`` (closed book),
``A-B3-unseen`` (episodes never consolidated), ``squad-B3`` (drift) and, when run,
``A-B2``. A row gives, beside each LoRA figure, the same figure on the bare base:

* B3 EM with its 95% Wilson interval, and B3 - B0 (paired bootstrap);
* never-consolidated episodes: answers naming a consolidated value (invented knowledge)
  and answers "unknown";
* in-prompt reading with the LoRA: scenario A EM (consolidated / never-consolidated
  episodes), SQuAD F1 and contains;
* perplexity of the unseen SQuAD passages, x base.

A second table pairs every run with the first, item by item (the same questions and
passages; paired bootstrap, 95%). Writes ``ablation.json`` and ``ablation.md`` to ``--out``::

    uv run python scripts/compare_consolidation.py --out reports/m4-consolidation/ablation \\
        baseline=reports/m4-consolidation/cpu-20x10 kl0=reports/m4-consolidation/ablation/kl0
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hei_nw.consolidate import is_unknown
from hei_nw.eval import ReportError, load_report
from hei_nw.metrics import paired_bootstrap

LORA, BARE = "reference + LoRA", "B0 episode in prompt (reference)"
REPORTS = {
    "b3": "A-B3/A_B3_metrics.json",
    "unseen": "A-B3-unseen/A_B3_metrics.json",
    "squad": "squad-B3/squad_B3_metrics.json",
    "b2": "A-B2/A_B2_metrics.json",  # optional
}
PAIRED = {
    "B3 EM": ("b3", None, "strict_em"),
    "in-prompt A EM, new episodes": ("unseen", LORA, "strict_em"),
    "in-prompt SQuAD F1": ("squad", LORA, "f1"),
    "in-prompt SQuAD contains": ("squad", LORA, "contains"),
}
"""What the second table pairs: report, run (None: the report's own), metric per item."""


def _baseline(report: dict[str, Any], name: str) -> dict[str, Any]:
    metrics: dict[str, Any] = report["baselines"][name]["metrics"]
    return metrics


def _unknown_share(items: list[dict[str, Any]]) -> float:
    """Share of predictions that abstain (counted from the samples: reports made before the
    summary's ``unknown_rate`` existed get the same column)."""
    return sum(is_unknown(str(i["prediction"])) for i in items) / max(1, len(items))


def load_run(folder: Path) -> dict[str, dict[str, Any]]:
    """A run folder's reports (:data:`REPORTS`; ``b2`` when it was run), each read once."""
    return {
        name: load_report(folder / file)
        for name, file in REPORTS.items()
        if name != "b2" or (folder / file).is_file()
    }


def run_row(folder: Path, reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The figures of one run folder (see the module's docstring) from its ``reports``."""
    record = json.loads((folder / "lora" / "consolidation.json").read_text(encoding="utf-8"))
    b3, unseen, squad = reports["b3"], reports["unseen"], reports["squad"]
    config = record["config"]
    row: dict[str, Any] = {
        "folder": str(folder),
        "settings": {
            key: config[key]
            for key in ("epochs", "lr", "reading_per_episode", "generic_per_step", "kl_weight")
        }
        | {
            "unknown_per_episode": config.get("unknown_per_episode", 0),
            "generic_passages": record["generic"]["passages"],
            "episodes": len(record["episodes"]),
            "steps": record["steps"],
            "train_seconds": record["train_seconds"],
        },
        "rows": record["rows"],
        "b3_em": b3["metrics"]["strict_em"] | {"n": b3["n_items"]},
        "b0_em": _baseline(b3, "B0 no-context (floor)")["strict_em"]["mean"],
        "b3_minus_b0": b3["comparison"]["memory_minus_floor_em"],
        "invented": {
            "lora": unseen["summary"]["consolidated_value_rate"]["B3 LoRA, no memory"],
            "base": unseen["summary"]["consolidated_value_rate"]["B0 no-context (floor)"],
            "n": unseen["n_items"],
        },
        "unknown_answers": {
            "consolidated": _unknown_share(b3["items"]),
            "never_consolidated": _unknown_share(unseen["items"]),
        },
        "in_prompt_a_em": {
            "consolidated": _baseline(b3, LORA)["strict_em"]["mean"],
            "never_consolidated": _baseline(unseen, LORA)["strict_em"]["mean"],
            "base": _baseline(b3, BARE)["strict_em"]["mean"],
        },
        "in_prompt_squad": {
            "lora": {k: _baseline(squad, LORA)[k]["mean"] for k in ("f1", "contains")},
            "base": {k: _baseline(squad, BARE)[k]["mean"] for k in ("f1", "contains")},
            "n": squad["n_items"],
        },
        "perplexity": squad["summary"]["passage_perplexity"],
    }
    if "b2" in reports:
        b2 = reports["b2"]
        row["b2_em"] = b2["metrics"]["strict_em"]["mean"]
        row["b1_em"] = _baseline(b2, "B1 memory only")["strict_em"]["mean"]
    return row


def item_scores(reports: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per item scores of the runs :data:`PAIRED` names, by item id."""
    scores = {}
    for label, (name, run, metric) in PAIRED.items():
        report = reports[name]
        items = report["items"] if run is None else report["baselines"][run]["items"]
        scores[label] = {str(item["id"]): float(item[metric]) for item in items}
    return scores


def minus_first(
    theirs: dict[str, dict[str, float]], ours: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """``ours - theirs`` (:func:`item_scores` of two runs) on the items both asked, each with
    its paired 95% interval."""
    out = {}
    for label in PAIRED:
        shared = sorted(ours[label].keys() & theirs[label].keys())
        out[label] = paired_bootstrap(
            [theirs[label][i] for i in shared], [ours[label][i] for i in shared]
        )
    return out


def table(runs: list[tuple[str, Path]]) -> dict[str, dict[str, Any]]:
    """Every run's row (:func:`run_row`), and each after the first paired with the first."""
    loaded = {label: load_run(folder) for label, folder in runs}
    rows = {label: run_row(folder, loaded[label]) for label, folder in runs}
    first = item_scores(loaded[runs[0][0]])
    for label, _ in runs[1:]:
        rows[label]["minus_first"] = minus_first(first, item_scores(loaded[label]))
    return rows


def markdown(rows: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "| run | B3 EM [95%] (n) | B3 - B0 [95% paired] | B2 / B1 | invented: LoRA / base (n) "
        "| 'unknown': consolidated / new | in-prompt A EM: consol. / new / base "
        "| in-prompt SQuAD F1, contains: LoRA / base | perplexity x base |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in rows.items():
        em, diff, inv, unk, ipa, sq = (
            r["b3_em"],
            r["b3_minus_b0"],
            r["invented"],
            r["unknown_answers"],
            r["in_prompt_a_em"],
            r["in_prompt_squad"],
        )
        b2 = f"{r['b2_em']:.3f} / {r['b1_em']:.3f}" if "b2_em" in r else "-"
        unknown = " / ".join(f"{v:.2f}" for v in unk.values())
        lines.append(
            f"| {label} | {em['mean']:.3f} [{em['ci_low']:.3f}, {em['ci_high']:.3f}] ({em['n']}) "
            f"| {diff['mean_diff']:+.3f} [{diff['ci_low']:+.3f}, {diff['ci_high']:+.3f}] | {b2} "
            f"| {inv['lora']:.2f} / {inv['base']:.2f} ({inv['n']}) | {unknown} "
            f"| {ipa['consolidated']:.2f} / {ipa['never_consolidated']:.2f} / {ipa['base']:.2f} "
            f"| {sq['lora']['f1']:.3f}, {sq['lora']['contains']:.2f} / "
            f"{sq['base']['f1']:.3f}, {sq['base']['contains']:.2f} "
            f"| x{r['perplexity']['ratio']:.3f} |"
        )
    first = next(iter(rows))
    lines += ["", f"| run - {first} [95% paired] | " + " | ".join(PAIRED) + " |"]
    lines.append("|---|" + "---|" * len(PAIRED))
    for label, r in list(rows.items())[1:]:
        cells = [
            f"{d['mean_diff']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}] (n = {d['n']})"
            for d in r["minus_first"].values()
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="LABEL=FOLDER, one per run, in table order")
    parser.add_argument("--out", type=Path, required=True, help="folder for ablation.json/.md")
    args = parser.parse_args()
    try:
        runs = []
        for spec in args.runs:
            label, sep, folder = spec.partition("=")
            if not sep:
                raise ReportError(f"{spec!r}: expected LABEL=FOLDER")
            runs.append((label, Path(folder)))
        rows = table(runs)
    except (ReportError, OSError, KeyError) as exc:
        print(f"compare_consolidation: {exc}", file=sys.stderr)
        return 2
    lines = markdown(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ablation.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    (args.out / "ablation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
