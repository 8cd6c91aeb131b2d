"""Run reports: ``{scenario}_{mode}_metrics.json``, ``_samples.jsonl`` and ``_report.md``.

The JSON holds everything needed to trace a number back to a command: the full
config (command line, model and revision, seeds, generation settings, prompt
template and hash), library versions and git state, aggregate metrics with
intervals, latency, compute footprints and lag bins; it names the samples file,
which holds every per-item record (:mod:`hei_nw.eval.samples`). The Markdown is
the readable view of the same data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hei_nw.core import versions, write_json_atomic, write_text_atomic
from hei_nw.datasets import DEFAULT_LAG_BINS
from hei_nw.eval.comparison import render_comparison
from hei_nw.eval.families import render_families
from hei_nw.eval.results import ItemResult, as_rows
from hei_nw.eval.samples import MAIN_RUN, ReportError, read_samples, samples_path, write_samples
from hei_nw.eval.scoring import aggregate, bin_by_lag
from hei_nw.metrics import (
    ATTENTION_FLOPS_FORMULA,
    KV_BYTES_FORMULA,
    METRICS,
    latency_summary,
    with_current_names,
)

SCHEMA_VERSION = 2  # 2: per-item records moved to the samples JSONL
_FAILED_SHOWN = 5


def summarise_compute(items: Sequence[Mapping[str, Any]]) -> dict[str, float | int | None]:
    """Means and totals of per-item ``compute`` footprints."""
    footprints = [item["compute"] for item in items if item.get("compute")]
    if not footprints:
        return {
            "items": 0,
            "mean_prompt_tokens": None,
            "total_attention_flops": 0,
            "mean_kv_cache_bytes": None,
        }
    n = len(footprints)
    return {
        "items": n,
        "mean_prompt_tokens": sum(f["prompt_tokens"] for f in footprints) / n,
        "total_attention_flops": sum(f["attention_flops"] for f in footprints),
        "mean_kv_cache_bytes": sum(f["kv_cache_bytes"] for f in footprints) / n,
    }


def build_report(
    *,
    scenario: str,
    mode: str,
    config: Mapping[str, Any],
    items: Sequence[ItemResult],
    summary: Mapping[str, Any] | None = None,
    baselines: Mapping[str, Sequence[ItemResult]] | None = None,
    lag_bins: Sequence[int] = DEFAULT_LAG_BINS,
    comparison: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
    families: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Assemble the report for one run; ``baselines`` maps a baseline name to its items;
    ``comparison`` is a memory run beside its floor and reference (B1);
    ``provenance`` is :func:`versions` taken when the run started (default: now),
    so code edited during a long run is not recorded as the code that ran;
    ``families`` is :func:`hei_nw.eval.families.family_table`'s rows. The
    report holds items as the samples file's flat rows."""
    rows = as_rows(items)
    baseline_rows = {name: as_rows(b_items) for name, b_items in (baselines or {}).items()}
    folded, same_as_b0 = _fold_copies_of_b0(mode, rows, baseline_rows)
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "hei-nw-metrics",
        "scenario": scenario,
        "mode": mode,
        "config": dict(config),
        "versions": dict(provenance) if provenance is not None else versions(),
        "n_items": len(rows),
        "metrics": aggregate(rows),
        "latency_s": latency_summary([float(item["latency_s"]) for item in rows]),
        "lag_bins": bin_by_lag(rows, lag_bins),
        "compute": {
            "formulas": {
                "attention_flops": ATTENTION_FLOPS_FORMULA,
                "kv_cache_bytes": KV_BYTES_FORMULA,
            },
            "no_memory": summarise_compute(rows),
            **{name: summarise_compute(b_items) for name, b_items in folded.items()},
        },
        "baselines": {
            name: {"metrics": aggregate(b_items), "items": list(b_items)}
            for name, b_items in folded.items()
        },
        "baselines_identical_to_b0": same_as_b0,
        "summary": dict(summary or {}),
        "items": rows,
    }
    if comparison is not None:
        report["comparison"] = dict(comparison)
    if families:
        report["families"] = [dict(row) for row in families]
    return report


def _fold_copies_of_b0(
    mode: str,
    items: Sequence[Mapping[str, Any]],
    baselines: Mapping[str, Sequence[Mapping[str, Any]]],
) -> tuple[dict[str, Sequence[Mapping[str, Any]]], list[str]]:
    """Baselines apart from those whose every prompt equals the B0 run's (a
    long-context prompt with nothing to add is B0 again, not a second result)."""
    hashes = [item.get("prompt_hash") for item in items]
    if mode != "B0" or not items or None in hashes:
        return dict(baselines), []
    same = [name for name, b in baselines.items() if [i.get("prompt_hash") for i in b] == hashes]
    return {name: b for name, b in baselines.items() if name not in same}, same


def report_paths(outdir: str | Path, scenario: str, mode: str) -> tuple[Path, Path]:
    base = Path(outdir)
    return base / f"{scenario}_{mode}_metrics.json", base / f"{scenario}_{mode}_report.md"


def write_reports(report: Mapping[str, Any], outdir: str | Path) -> tuple[Path, Path]:
    """Write the samples JSONL, the metrics JSON (summary only, naming the samples
    file) and the Markdown, each atomically; returns the JSON's and Markdown's paths."""
    json_path, md_path = report_paths(outdir, report["scenario"], report["mode"])
    samples = samples_path(outdir, report["scenario"], report["mode"])
    baselines = report.get("baselines", {})
    counts = write_samples(
        samples, report["items"], {name: b["items"] for name, b in baselines.items()}
    )
    summary = {key: value for key, value in report.items() if key != "items"}
    summary["baselines"] = {
        name: {k: v for k, v in b.items() if k != "items"} for name, b in baselines.items()
    }
    summary["samples"] = {"file": samples.name, "lines": counts}
    write_json_atomic(json_path, summary)
    write_text_atomic(md_path, render_markdown(report))
    return json_path, md_path


def load_report(path: str | Path) -> dict[str, Any]:
    """A metrics JSON written by :func:`write_reports`, with its items read back
    from the samples file beside it (``items`` and each baseline's ``items``)."""
    file = Path(path)
    if not file.is_file():
        raise ReportError(f"{file}: no such file")
    try:
        report = with_current_names(json.loads(file.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportError(f"{file}: not valid JSON ({exc})") from None
    if (
        not isinstance(report, dict)
        or report.get("kind") != "hei-nw-metrics"
        or not isinstance(report.get("config"), dict)
        or not isinstance(report.get("samples", {}).get("file"), str)
    ):
        raise ReportError(f"{file}: not a HEI-NW metrics file (written by `harness`)")
    runs = with_current_names(read_samples(file.parent / report["samples"]["file"]))
    report["items"] = runs.get(MAIN_RUN, [])
    for name, baseline in report.get("baselines", {}).items():
        baseline["items"] = runs.get(name, [])
    return report


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render_markdown(report: Mapping[str, Any]) -> str:
    """The human-readable report, section by section."""
    lines = _run_section(report) + _metrics_section(report)
    if report.get("comparison"):
        lines += render_comparison(report["comparison"])
    lines += render_families(report.get("families", []))
    lines += _baselines_section(report) + _latency_section(report)
    if report.get("summary"):
        lines += ["## Summary", "", "| field | value |", "|---|---|"]
        lines += [f"| {key} | {_fmt(value, 6)} |" for key, value in report["summary"].items()]
        lines.append("")
    lines += _lag_section(report) + _compute_section(report) + _failed_section(report)
    return "\n".join(lines) + "\n"


def _run_section(report: Mapping[str, Any]) -> list[str]:
    config, versions = report["config"], report["versions"]
    git = versions["git"]
    return [
        f"# HEI-NW report — scenario {report['scenario']}, mode {report['mode']}",
        "",
        "## Run",
        "",
        f"- command: `{config.get('command', '')}`",
        f"- model: `{config.get('model')}` (revision `{config.get('model_revision')}`), "
        f"dtype {config.get('dtype')}, device {config.get('device')}",
        f"- items: {report['n_items']}, seed {config.get('seed')}, batch size {config.get('batch_size')}",
        f"- generation: {config.get('generation')}",
        f"- prompt template hash: `{config.get('prompt_template_hash')}`",
        f"- git: `{git.get('commit')}`{' (dirty)' if git.get('dirty') else ''}; "
        f"torch {versions.get('torch')}, transformers {versions.get('transformers')}",
        "",
    ]


def _metrics_section(report: Mapping[str, Any]) -> list[str]:
    lines = [
        "## Metrics (95% Wilson interval)",
        "",
        "| metric | mean | interval |",
        "|---|---|---|",
    ]
    for name, value in report["metrics"].items():
        lines.append(
            f"| {name} | {_fmt(value['mean'])} | [{_fmt(value['ci_low'])}, {_fmt(value['ci_high'])}] |"
        )
    note = "F1 is a mean of fractional scores; its interval treats it as a rate (approximate)."
    return [*lines, "", note, ""]


def _baselines_section(report: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for name in report.get("baselines_identical_to_b0", []):
        lines += [f"Baseline **{name}**: every prompt equals B0's, so it is B0 (no row).", ""]
    for name, baseline in report.get("baselines", {}).items():
        cells = " · ".join(f"{k} {_fmt(v['mean'])}" for k, v in baseline["metrics"].items())
        lines += [f"Baseline **{name}**: {cells}", ""]
    return lines


def _latency_section(report: Mapping[str, Any]) -> list[str]:
    latency = report["latency_s"]
    return [
        "## Latency (seconds per item)",
        "",
        "| count | mean | p50 | p95 | max |",
        "|---|---|---|---|---|",
        f"| {latency['count']} | {_fmt(latency['mean'], 4)} | {_fmt(latency['p50'], 4)} | "
        f"{_fmt(latency['p95'], 4)} | {_fmt(latency['max'], 4)} |",
        "",
    ]


def _lag_section(report: Mapping[str, Any]) -> list[str]:
    lines = [
        "## Lag bins",
        "",
        "| Lag bin | n | " + " | ".join(METRICS) + " |",
        "|---|---|" + "---|" * len(METRICS),
    ]
    for row in report["lag_bins"]:
        cells = " | ".join(_fmt(row[name]) for name in METRICS)
        lines.append(f"| {row['bin']} | {row['n']} | {cells} |")
    return lines


def _compute_section(report: Mapping[str, Any]) -> list[str]:
    compute = report["compute"]
    lines = [
        "",
        "## Compute",
        "",
        f"- `{compute['formulas']['attention_flops']}`",
        f"- `{compute['formulas']['kv_cache_bytes']}`",
        "",
        "| run | items | mean prompt tokens | total attention FLOPs | mean KV-cache bytes |",
        "|---|---|---|---|---|",
    ]
    for name, value in compute.items():
        if name != "formulas":
            lines.append(
                f"| {name} | {value['items']} | {_fmt(value['mean_prompt_tokens'], 1)} | "
                f"{value['total_attention_flops']:.3e} | {_fmt(value['mean_kv_cache_bytes'], 0)} |"
            )
    return lines


def _failed_section(report: Mapping[str, Any]) -> list[str]:
    failed = [item for item in report["items"] if not item.get("contains")][:_FAILED_SHOWN]
    lines = ["", "## Failed items (first few)", ""]
    if not failed:
        lines.append("None.")
    for item in failed:
        prediction = str(item["prediction"]).replace("\n", " ").replace("|", "/")
        lines.append(f"- `{item['id']}`: expected **{item['expected']}**, got “{prediction[:200]}”")
    return lines
