"""The one prompt builder shared by every mode and baseline.

Reports record the template and its hash, so a number can be traced to the
exact wording the model saw.
"""

from __future__ import annotations

import hashlib

PROMPT_TEMPLATE = (
    "Answer the question with a short phrase taken from the notes.\n\n"
    "Notes:\n{context}\n\n"
    "Question: {query}"
)
"""Template with notes (B0, long-context and RAG baselines)."""

NO_CONTEXT_TEMPLATE = "Answer the question with a short phrase.\n\nQuestion: {query}"
"""Template without notes (``--no-context``: memory must supply the episode)."""


def build_prompt(query: str, context: str | None = None) -> str:
    """The prompt for ``query``, with ``context`` as notes when given."""
    if context is None:
        return NO_CONTEXT_TEMPLATE.format(query=query)
    return PROMPT_TEMPLATE.format(context=context, query=query)


def template_hash() -> str:
    """Short SHA-256 of both templates: changes whenever the wording does."""
    digest = hashlib.sha256(f"{PROMPT_TEMPLATE}\x00{NO_CONTEXT_TEMPLATE}".encode())
    return digest.hexdigest()[:16]


def prompt_hash(prompt: str) -> str:
    """Short SHA-256 of one rendered prompt (per-item records carry it)."""
    return hashlib.sha256(prompt.encode()).hexdigest()[:16]
