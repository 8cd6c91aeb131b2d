"""The one prompt wording every mode, baseline and the user-facing API share.

Reports record the template and its hash (``hei_nw.eval.prompts``), so a number
can be traced to the exact wording the model saw; the API asks in the same
words, so its answers are the harness's.
"""

from __future__ import annotations

PROMPT_TEMPLATE = (
    "Answer the question with a short phrase taken from the notes.\n\n"
    "Notes:\n{context}\n\n"
    "Question: {query}"
)
"""Template with notes (B0, long-context and RAG baselines)."""

NO_CONTEXT_TEMPLATE = "Answer the question with a short phrase.\n\nQuestion: {query}"
"""Template without notes (memory must supply the episode)."""


def build_prompt(query: str, context: str | None = None) -> str:
    """The prompt for ``query``, with ``context`` as notes when given."""
    if context is None:
        return NO_CONTEXT_TEMPLATE.format(query=query)
    return PROMPT_TEMPLATE.format(context=context, query=query)
