"""Baselines a memory mode must beat: long-context prompting and RAG."""

from hei_nw.baselines.long_context import build_context, run_long_context
from hei_nw.baselines.rag import RagResult, episodes, retrieve, run_rag

__all__ = ["RagResult", "build_context", "episodes", "retrieve", "run_long_context", "run_rag"]
