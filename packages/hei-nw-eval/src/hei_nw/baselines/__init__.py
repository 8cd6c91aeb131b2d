"""Baselines a memory mode must beat: long-context prompting, RAG and the rule parser."""

from hei_nw.baselines.long_context import (
    DEFAULT_CONTEXT_BUDGET,
    RunContext,
    run_context,
    run_long_context,
)
from hei_nw.baselines.rag import RagResult, episodes, retrieve, run_rag, run_recalled_rag
from hei_nw.baselines.rules import asked_slot, parse_episodes, rule_answer, run_rules

__all__ = [
    "DEFAULT_CONTEXT_BUDGET",
    "RagResult",
    "RunContext",
    "asked_slot",
    "episodes",
    "parse_episodes",
    "retrieve",
    "rule_answer",
    "run_context",
    "run_long_context",
    "run_rag",
    "run_recalled_rag",
    "run_rules",
]
