"""The ``--baseline`` runs beside a mode: long context, RAG, and the rule parser."""

from __future__ import annotations

import argparse
from typing import Any

from hei_nw.baselines import run_long_context, run_rag, run_rules
from hei_nw.core import READ_RECIPE
from hei_nw.eval import ItemResult, RunInputs, oracle_memories
from hei_nw.models import LoadedModel


def run_baseline(
    args: argparse.Namespace,
    loaded: LoadedModel,
    inputs: RunInputs,
    summary: dict[str, Any],
    skip: set[str],
) -> dict[str, list[ItemResult]]:
    """The ``--baseline`` run's items, unless a run of that name is in ``skip`` (B1 runs
    the rules itself); what it kept or recalled goes into ``summary``."""
    if args.baseline == "rules" and "rules" not in skip:
        memories = oracle_memories(
            inputs.records, loaded.tokenizer, READ_RECIPE.memory_cap, args.negatives, args.seed
        )
        return {"rules": run_rules(inputs.records, memories, loaded.tokenizer)}
    if args.baseline == "long-context":
        items, context = run_long_context(
            loaded.model,
            loaded.tokenizer,
            inputs.records,
            inputs.settings,
            inputs.geometry,
            inputs.batch_size,
            budget=args.context_budget,
        )
        summary["long_context"] = {
            "budget_tokens": args.context_budget,
            **context.as_dict(),
            "targets_in_context": sum(bool(item.target_in_context) for item in items),
        }
        return {"long_context": items}
    if args.baseline == "rag" and "rag" not in skip:  # B1 from a store runs RAG on its recall
        result = run_rag(
            loaded.model,
            loaded.tokenizer,
            inputs.records,
            k=args.rag_k,
            settings=inputs.settings,
            geometry=inputs.geometry,
            batch_size=inputs.batch_size,
        )
        summary[f"rag_recall_at_{args.rag_k}"] = result.recall_at_k
        return {"rag": result.items}
    return {}
