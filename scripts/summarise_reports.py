"""Write ``documentation/results.md`` and the README's headline table from the committed reports.

    uv run python scripts/summarise_reports.py           # rewrite both
    uv run python scripts/summarise_reports.py --check   # exit 1 if either is out of date

Every figure in the two documents is read here from a report under ``reports/``; none
is typed by hand, so a report changed without rerunning this script fails
``tests/test_results_doc.py``. Each row names its report. Superseded figures live in
git history, not in the documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hei_nw.metrics import with_current_names

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "documentation" / "results.md"
README = ROOT / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
FLOOR, REFERENCE = "B0 no-context (floor)", "B0 episode in prompt (reference)"
RULES = "rules (same memory)"


@dataclass(frozen=True)
class Figure:
    """One measured number with what it is compared against, as a table row shows it."""

    what: str
    metric: str
    memory: tuple[float, float | None, float | None]  # mean, interval low, high
    n: int
    report: str
    floor: float | None = None
    reference: float | None = None
    rules: float | None = None
    split: str = "dev"


def _read(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / path).read_text(encoding="utf-8"))
    return data


def notes(what: str, path: str, family: str, key: str) -> Figure:
    """A family of the everyday-notes run (``scripts/eval_notes.py``)."""
    runs = _read(path)["by_family"][family]
    own = runs["memory"][key]

    def mean(run: str) -> float:
        return float(runs[run][key]["mean"])

    metric = {"right": "right", "dont_know": '"I don\'t know"', "stale": "stale value"}[key]
    return Figure(
        what,
        metric,
        (own["mean"], own["ci_low"], own["ci_high"]),
        int(own["n"]),
        path,
        mean("floor"),
        mean("reference"),
        mean("rules"),
    )


def harness(what: str, path: str, metric: str = "strict_em") -> Figure:
    """A harness report (``*_metrics.json``): its main run against floor, reference, rules."""
    report = with_current_names(_read(path))
    runs = report["comparison"]["runs"]

    def value(entry: Any) -> float | None:
        if entry is None:
            return None
        return float(entry["mean"] if isinstance(entry, dict) else entry)

    rules = runs.get(RULES, {}).get(metric)
    if rules is None:
        rules = report.get("baselines", {}).get("rules", {}).get("metrics", {}).get(metric)
    mine = report["metrics"][metric]
    return Figure(
        what,
        {"strict_em": "strict EM", "f1": "F1"}[metric],
        (mine["mean"], mine["ci_low"], mine["ci_high"]),
        int(report["n_items"]),
        path,
        value(runs.get(FLOOR, {}).get(metric)),
        value(runs.get(REFERENCE, {}).get(metric)),
        value(rules),
        str(report["config"].get("split", "dev")),
    )


def span(what: str, path: str, source: str, floor_from: str | None = None) -> Figure:
    """The span reader's training record: F1 on a dev source at the shipped threshold 0."""
    record = _read(path)
    scores = record["dev_by_threshold"]["0.0"] if source == "dev" else record["also"][source]
    low, high = scores["f1_interval"]
    floor = reference = None
    if floor_from is not None:
        base = harness("", floor_from, "f1")
        floor, reference = base.floor, base.reference
    return Figure(
        what, "F1", (scores["f1"], low, high), int(scores["answerable"]), path, floor, reference
    )


SPAN = "reports/span-reader/main/train.json"  # the shipped span reader
NOTES = "reports/notes-dev/span/notes.json"  # the product with its defaults
CANDIDATE = "reports/span-reader/more-rows/train.json"  # more rows; not shipped
SQUAD_COPY = "reports/squad/mixed-reader-dev/squad_B1_metrics.json"

HEADLINE: list[Callable[[], Figure]] = [
    lambda: notes("Everyday notes through `Memory`, answerable", NOTES, "answerable", "right"),
    lambda: notes(
        "Everyday notes, asked about what was never stored", NOTES, "never-stored", "dont_know"
    ),
    lambda: notes("Everyday notes, a changed fact: current value", NOTES, "changed", "right"),
    lambda: span("SQuAD v1.1 dev, passage only in memory (span reader)", SPAN, "dev", SQUAD_COPY),
    lambda: harness(
        "Scenario A through a 10,200-episode store, held-out wordings",
        "reports/defaults-dev/store-10k-recall-1/A_B1_metrics.json",
    ),
]

SECTIONS: dict[str, list[Callable[[], Figure]]] = {
    "Reading real text": [
        lambda: notes(
            "Everyday notes, answerable (candidate span reader, not shipped)",
            "reports/span-reader/more-rows/notes-dev/notes.json",
            "answerable",
            "right",
        ),
        lambda: span(
            "SQuAD v1.1 dev, passage only in memory (candidate span reader, 4,000 rows, not shipped)",
            CANDIDATE,
            "dev",
            SQUAD_COPY,
        ),
        lambda: span("SQuAD-Shifts, held-out articles (span reader)", SPAN, "shifts-dev"),
        lambda: span(
            "Template families, held-out wordings and vocabulary (span reader)",
            SPAN,
            "scenarios-test",
        ),
        lambda: harness(
            "SQuAD v1.1 dev, passage only in memory (copy-head reader)", SQUAD_COPY, "f1"
        ),
    ],
    "Keeping time": [
        lambda: notes(
            "Everyday notes, a changed fact: stale value (lower is better)",
            NOTES,
            "changed",
            "stale",
        ),
    ],
    "Store and recall": [
        lambda: harness(
            "Scenario A through the store, top two recalls packed",
            "reports/defaults-dev/store-10k-recall-2/A_B1_metrics.json",
        ),
        lambda: harness(
            "Scenario A through the store, top four recalls packed",
            "reports/defaults-dev/store-10k-recall-4/A_B1_metrics.json",
        ),
    ],
    "Consolidation into weights (M4)": [
        lambda: harness(
            "Scenario A, closed book after consolidation (B3)",
            "reports/m4-consolidation/A-B3/A_B3_metrics.json",
        ),
        lambda: harness(
            "Scenario A, LoRA + memory (B2)", "reports/m4-consolidation/A-B2/A_B2_metrics.json"
        ),
        lambda: harness(
            "Scenario A, episodes never consolidated (B3)",
            "reports/m4-consolidation/A-B3-unseen/A_B3_metrics.json",
        ),
    ],
}


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _estimate(figure: Figure) -> str:
    mean, low, high = figure.memory
    interval = "" if low is None or high is None else f" [{low:.3f}, {high:.3f}]"
    return f"**{mean:.3f}**{interval}"


def table(figures: list[Figure]) -> list[str]:
    """Markdown rows: memory (95% interval) beside floor, reference and rules, with n."""
    lines = [
        "| what | metric | memory | floor | reference | rules | n | split | report |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        cells = [f.what, f.metric, _estimate(f), _number(f.floor), _number(f.reference)]
        cells += [
            _number(f.rules),
            str(f.n),
            f.split,
            f"[{Path(f.report).parent.name}]({f.report})",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def readme_table() -> str:
    """The headline table as the README shows it (links relative to the repository root)."""
    return "\n".join(table([make() for make in HEADLINE]))


def results_document() -> str:
    """The whole of ``documentation/results.md``."""
    relative = readme_table().replace("](reports/", "](../reports/")
    out = [
        "# Results",
        "",
        "Generated by `uv run python scripts/summarise_reports.py` from the committed reports;",
        "`tests/test_results_doc.py` fails when a report and this page disagree. Memory is the",
        "product's reading (episode only in memory); floor is the frozen model with no memory,",
        "reference the episode in the prompt, rules the template parser reading the same memory",
        '("-": not run for that set). Intervals are 95% (Wilson for rates, bootstrap for F1);',
        "every figure is on a dev split unless its split says otherwise. How each was measured,",
        "what was tried and what missed: `documentation/memory_reader.md`, `keeping_time.md`,",
        "`write_gate.md` (the gate's own measures: PR-AUC, calibration), `consolidation.md`,",
        "`episodic_store.md`. The span reader's SQuAD floor and reference are the copy-head",
        "report's (the same dev half, n = 1,000).",
        "",
        "## Headline",
        "",
        relative,
    ]
    for title, rows in SECTIONS.items():
        body = "\n".join(table([make() for make in rows])).replace("](reports/", "](../reports/")
        out += ["", f"## {title}", "", body]
    return "\n".join(out) + "\n"


def with_readme_table(readme: str) -> str:
    """``readme`` with the text between the results markers replaced by the headline table."""
    if START not in readme or END not in readme:
        raise ValueError(f"README.md has no {START} ... {END} markers")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{readme_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a document is stale")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    wanted = {RESULTS: results_document(), README: with_readme_table(readme)}
    stale = [
        p for p, text in wanted.items() if not p.is_file() or p.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(
                f"{path.relative_to(ROOT)} is out of date: run scripts/summarise_reports.py",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
