"""Metrics: answer matching, timing, compute estimates and statistics."""

from hei_nw.metrics.compute import (
    ATTENTION_FLOPS_FORMULA,
    KV_BYTES_FORMULA,
    ComputeRecord,
    ModelGeometry,
    estimate_attention_flops,
    estimate_kv_bytes,
)
from hei_nw.metrics.stats import paired_bootstrap, wilson_interval
from hei_nw.metrics.text import (
    FORMER_NAMES,
    METRICS,
    contains_answer,
    exact_match,
    loose_exact_match,
    normalize_answer,
    normalize_answer_loose,
    recall_at_k,
    relaxed_exact_match,
    token_f1,
    with_current_names,
)
from hei_nw.metrics.timing import latency_summary, percentile, timed

__all__ = [
    "ATTENTION_FLOPS_FORMULA",
    "FORMER_NAMES",
    "KV_BYTES_FORMULA",
    "METRICS",
    "ComputeRecord",
    "ModelGeometry",
    "contains_answer",
    "estimate_attention_flops",
    "estimate_kv_bytes",
    "exact_match",
    "latency_summary",
    "loose_exact_match",
    "normalize_answer",
    "normalize_answer_loose",
    "paired_bootstrap",
    "percentile",
    "recall_at_k",
    "relaxed_exact_match",
    "timed",
    "token_f1",
    "wilson_interval",
    "with_current_names",
]
