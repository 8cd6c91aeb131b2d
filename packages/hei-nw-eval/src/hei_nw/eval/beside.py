"""A baseline run beside any mode (``harness --baseline``): long context, RAG, or the
rule parser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hei_nw.baselines import DEFAULT_CONTEXT_BUDGET, run_long_context, run_rag, run_rules
from hei_nw.core import READ_RECIPE
from hei_nw.eval.memories import oracle_memories
from hei_nw.eval.mode_types import ModeContext
from hei_nw.eval.results import ItemResult

BASELINES = ("none", "long-context", "rag", "rules")


@dataclass(frozen=True)
class BaselineSettings:
    name: str = "none"  # one of BASELINES
    context_budget: int = DEFAULT_CONTEXT_BUDGET  # long-context: the prompt's token budget
    rag_k: int = 5  # rag: episodes retrieved per question
    negatives: int = 0  # rules: hard negatives packed with the oracle episode


def run_baseline(
    settings: BaselineSettings, context: ModeContext, summary: dict[str, Any], skip: set[str]
) -> dict[str, list[ItemResult]]:
    """The baseline's items, unless a run of that name is in ``skip`` (B1 runs the rules
    itself); what it kept or recalled goes into ``summary``."""
    loaded, inputs = context.loaded, context.inputs
    if settings.name == "rules" and "rules" not in skip:
        memories = oracle_memories(
            inputs.records,
            loaded.tokenizer,
            READ_RECIPE.memory_cap,
            settings.negatives,
            context.seed,
        )
        return {"rules": run_rules(inputs.records, memories, loaded.tokenizer)}
    if settings.name == "long-context":
        items, kept = run_long_context(
            loaded.model,
            loaded.tokenizer,
            inputs.records,
            inputs.settings,
            inputs.geometry,
            inputs.batch_size,
            budget=settings.context_budget,
        )
        summary["long_context"] = {
            "budget_tokens": settings.context_budget,
            **kept.as_dict(),
            "targets_in_context": sum(bool(item.target_in_context) for item in items),
        }
        return {"long_context": items}
    if settings.name == "rag" and "rag" not in skip:  # B1 from a store runs RAG on its recall
        result = run_rag(
            loaded.model,
            loaded.tokenizer,
            inputs.records,
            k=settings.rag_k,
            settings=inputs.settings,
            geometry=inputs.geometry,
            batch_size=inputs.batch_size,
        )
        summary[f"rag_recall_at_{settings.rag_k}"] = result.recall_at_k
        return {"rag": result.items}
    return {}
