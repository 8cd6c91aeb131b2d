"""Scenario generators A-E: deterministic, prefix-stable synthetic evaluation items.

``generate(n, seed, **options)`` of every scenario returns ``n`` :class:`Record`
items; ``GENERATORS`` maps scenario letters to those functions.
"""

from collections.abc import Callable
from typing import Any

from hei_nw.datasets import scenario_a, scenario_b, scenario_c, scenario_d, scenario_e
from hei_nw.datasets.records import REQUIRED_FIELDS, Record, Trace

GENERATORS: dict[str, Callable[..., list[Record]]] = {
    "A": scenario_a.generate,
    "B": scenario_b.generate,
    "C": scenario_c.generate,
    "D": scenario_d.generate,
    "E": scenario_e.generate,
}


def generate(scenario: str, n: int, seed: int, **options: Any) -> list[Record]:
    """Items of ``scenario`` (A-E)."""
    if scenario not in GENERATORS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(GENERATORS)}")
    return GENERATORS[scenario](n, seed, **options)


__all__ = ["GENERATORS", "REQUIRED_FIELDS", "Record", "Trace", "generate"]
