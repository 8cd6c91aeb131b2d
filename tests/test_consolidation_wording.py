"""Consolidation never trains on an evaluation wording: B3 asks in words no row used."""

from __future__ import annotations

import pytest

from hei_nw.consolidate import held_out_rows, qa_rows
from hei_nw.datasets import generate


def skeleton(question: str, values: list[str]) -> str:
    """The question with every slot value blanked: its wording alone."""
    for value in sorted(values, key=len, reverse=True):
        if value:
            question = question.replace(value, "{}")
    return question.strip().rstrip("?.").lower()


@pytest.mark.parametrize("scenario", ["A", "B", "C", "D", "E"])
@pytest.mark.parametrize("forms", ["train", "heldout"])
def test_no_consolidation_row_is_asked_in_a_scenario_wording(scenario: str, forms: str) -> None:
    records = generate(scenario, 40, 7, split="dev", forms=forms)
    asked = set()
    trained = set()
    for record in records:
        values = [str(v) for v in record["trace"].values()]
        asked.add(skeleton(record["query"], values))
        for row in qa_rows(record["id"], record["trace"]) + held_out_rows(
            record["id"], record["trace"]
        ):
            trained.add(skeleton(row.prompt.rsplit("Question: ", 1)[1], values))
    assert asked and trained
    assert not asked & trained
