"""The README's headline table and documentation/results.md are what the reports say.

``scripts/summarise_reports.py`` writes both from the committed reports; a report changed,
or a figure typed in by hand, without rerunning it fails here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    path = ROOT / "scripts" / "summarise_reports.py"
    spec = importlib.util.spec_from_file_location("summarise_reports", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up by name
    spec.loader.exec_module(module)
    return module


def test_results_document_is_regenerated_from_the_reports() -> None:
    expected = _script().results_document()
    assert (ROOT / "documentation" / "results.md").read_text(encoding="utf-8") == expected


def test_readme_headline_table_is_regenerated_from_the_reports() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    script = _script()
    assert readme == script.with_readme_table(readme)
    table = readme.split(script.START, 1)[1].split(script.END, 1)[0].strip().splitlines()
    assert len(table) == 2 + len(script.HEADLINE)  # header, rule, one row per headline figure


def test_every_figure_names_a_committed_report() -> None:
    script = _script()
    makers = [*script.HEADLINE, *(m for rows in script.SECTIONS.values() for m in rows)]
    for make in makers:
        figure = make()
        assert (ROOT / figure.report).is_file(), figure.report
        assert 0.0 <= figure.memory[0] <= 1.0 and figure.n > 0


def test_the_readme_is_a_front_door() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 150


def test_a_readme_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        _script().with_readme_table("# no table here\n")
