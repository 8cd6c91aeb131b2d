"""Evaluation: the modes (B0, B1), the prompt builder, generation runner, scoring
and report writing (files written through :mod:`hei_nw.core`)."""

from hei_nw.eval.comparison import memory_comparison, render_comparison, side_by_side
from hei_nw.eval.families import families_of, family_table, render_families
from hei_nw.eval.memories import (
    StoreRun,
    StoreSettings,
    oracle_memories,
    store_memories,
)
from hei_nw.eval.modes import B1Run, OnItem, RunInputs, pair_summary, prompts_for, run_b0, run_b1
from hei_nw.eval.prompts import (
    NO_CONTEXT_TEMPLATE,
    PROMPT_TEMPLATE,
    build_prompt,
    prompt_hash,
    template_hash,
)
from hei_nw.eval.recall import RecallRun, fill_store, recall_for
from hei_nw.eval.report import (
    SCHEMA_VERSION,
    build_report,
    load_report,
    render_markdown,
    report_paths,
    write_reports,
)
from hei_nw.eval.results import ItemResult, Retrieval, as_rows
from hei_nw.eval.runner import GenerationSettings, run_generation
from hei_nw.eval.samples import ReportError, read_samples, samples_path
from hei_nw.eval.scoring import aggregate, bin_by_lag, score

__all__ = [
    "NO_CONTEXT_TEMPLATE",
    "PROMPT_TEMPLATE",
    "SCHEMA_VERSION",
    "B1Run",
    "GenerationSettings",
    "ItemResult",
    "OnItem",
    "RecallRun",
    "ReportError",
    "Retrieval",
    "RunInputs",
    "StoreRun",
    "StoreSettings",
    "aggregate",
    "as_rows",
    "bin_by_lag",
    "build_prompt",
    "build_report",
    "families_of",
    "family_table",
    "fill_store",
    "load_report",
    "memory_comparison",
    "oracle_memories",
    "pair_summary",
    "prompt_hash",
    "prompts_for",
    "read_samples",
    "recall_for",
    "render_comparison",
    "render_families",
    "render_markdown",
    "report_paths",
    "run_b0",
    "run_b1",
    "run_generation",
    "samples_path",
    "score",
    "side_by_side",
    "store_memories",
    "template_hash",
    "write_reports",
]
