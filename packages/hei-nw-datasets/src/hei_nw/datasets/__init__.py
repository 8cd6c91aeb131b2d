"""Scenario generators A-E (deterministic, prefix-stable synthetic items) and SQuAD
(real passages in memory, :mod:`hei_nw.datasets.squad`).

``generate(n, seed, **options)`` of every scenario returns ``n`` :class:`Record`
items; ``GENERATORS`` maps scenario letters to those functions. The package's
:func:`generate` also sets each item's lag from the run's write order
(:mod:`hei_nw.datasets.lag`), which is why lags depend on ``n``.
"""

from collections.abc import Callable
from typing import Any

from hei_nw.datasets import scenario_a, scenario_b, scenario_c, scenario_d, scenario_e, squad
from hei_nw.datasets.forms import FORMS, HELD_OUT
from hei_nw.datasets.inventory import SPLITS, Vocabulary, vocabulary
from hei_nw.datasets.lag import DEFAULT_LAG_BINS, assign_lags, write_order
from hei_nw.datasets.records import (
    REQUIRED_FIELDS,
    Episode,
    Record,
    Trace,
    gold_answers,
    oracle_episodes,
)
from hei_nw.datasets.scenario_a import FIELDS, RENDERS
from hei_nw.datasets.values import HELD_OUT_FORMATS, VALUES

GENERATORS: dict[str, Callable[..., list[Record]]] = {
    "A": scenario_a.generate,
    "B": scenario_b.generate,
    "C": scenario_c.generate,
    "D": scenario_d.generate,
    "E": scenario_e.generate,
    "squad": squad.generate,
}


def generate(scenario: str, n: int, seed: int, **options: Any) -> list[Record]:
    """Items of ``scenario`` (A-E), each with its lag in this run."""
    if scenario not in GENERATORS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(GENERATORS)}")
    records = GENERATORS[scenario](n, seed, **options)
    assign_lags(records)
    return records


__all__ = [
    "DEFAULT_LAG_BINS",
    "FIELDS",
    "FORMS",
    "GENERATORS",
    "HELD_OUT",
    "HELD_OUT_FORMATS",
    "RENDERS",
    "REQUIRED_FIELDS",
    "SPLITS",
    "VALUES",
    "Episode",
    "Record",
    "Trace",
    "Vocabulary",
    "generate",
    "gold_answers",
    "oracle_episodes",
    "vocabulary",
    "write_order",
]
