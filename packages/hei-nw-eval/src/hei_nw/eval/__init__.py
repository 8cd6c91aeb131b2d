"""Evaluation plumbing: the prompt builder, scoring, provenance and report writing."""

from hei_nw.eval.atomic import write_json_atomic, write_text_atomic
from hei_nw.eval.comparison import memory_comparison, render_comparison
from hei_nw.eval.prompts import PROMPT_TEMPLATE, build_prompt, prompt_hash, template_hash
from hei_nw.eval.provenance import git_state, versions
from hei_nw.eval.recall import RecallRun, fill_store, recall_for
from hei_nw.eval.report import (
    SCHEMA_VERSION,
    build_report,
    load_report,
    render_markdown,
    report_paths,
    write_reports,
)
from hei_nw.eval.samples import ReportError, read_samples, samples_path
from hei_nw.eval.scoring import aggregate, bin_by_lag, score

__all__ = [
    "PROMPT_TEMPLATE",
    "SCHEMA_VERSION",
    "RecallRun",
    "ReportError",
    "aggregate",
    "bin_by_lag",
    "build_prompt",
    "build_report",
    "fill_store",
    "git_state",
    "load_report",
    "memory_comparison",
    "prompt_hash",
    "read_samples",
    "recall_for",
    "render_comparison",
    "render_markdown",
    "report_paths",
    "samples_path",
    "score",
    "template_hash",
    "versions",
    "write_json_atomic",
    "write_reports",
    "write_text_atomic",
]
