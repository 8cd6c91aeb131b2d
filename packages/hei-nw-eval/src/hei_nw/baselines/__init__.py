"""Baselines a memory mode must beat: long-context prompting and RAG."""

from hei_nw.baselines.long_context import build_context, run_long_context
from hei_nw.baselines.rag import (
    CosineIndex,
    Embedder,
    MiniLMEmbedder,
    RagResult,
    retrieve,
    run_rag,
)

__all__ = [
    "CosineIndex",
    "Embedder",
    "MiniLMEmbedder",
    "RagResult",
    "build_context",
    "retrieve",
    "run_long_context",
    "run_rag",
]
