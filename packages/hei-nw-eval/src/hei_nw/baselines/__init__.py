"""Baselines a memory mode must beat: long-context prompting and RAG."""

from hei_nw.baselines.long_context import (
    DEFAULT_CONTEXT_BUDGET,
    RunContext,
    run_context,
    run_long_context,
)
from hei_nw.baselines.rag import RagResult, episodes, retrieve, run_rag

__all__ = [
    "DEFAULT_CONTEXT_BUDGET",
    "RagResult",
    "RunContext",
    "episodes",
    "retrieve",
    "run_context",
    "run_long_context",
    "run_rag",
]
