"""The prompt builder every mode and baseline shares (its wording lives in
:mod:`hei_nw.models.prompts`, where the user-facing API reads it too), and the
hashes reports record so a number can be traced to the exact wording the model saw.
"""

from __future__ import annotations

import hashlib

from hei_nw.models.prompts import NO_CONTEXT_TEMPLATE, PROMPT_TEMPLATE, build_prompt

__all__ = ["NO_CONTEXT_TEMPLATE", "PROMPT_TEMPLATE", "build_prompt", "prompt_hash", "template_hash"]


def template_hash() -> str:
    """Short SHA-256 of both templates: changes whenever the wording does."""
    digest = hashlib.sha256(f"{PROMPT_TEMPLATE}\x00{NO_CONTEXT_TEMPLATE}".encode())
    return digest.hexdigest()[:16]


def prompt_hash(prompt: str) -> str:
    """Short SHA-256 of one rendered prompt (per-item records carry it)."""
    return hashlib.sha256(prompt.encode()).hexdigest()[:16]
