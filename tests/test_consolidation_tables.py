"""The committed consolidation ablation table is what its reports say.

``scripts/compare_consolidation.py`` writes ``ablation.md`` from run folders' reports;
documentation/consolidation.md quotes it. Regenerating it from the committed reports
must give the committed table, and the documentation must quote it as it is, so a
report changed (or a figure typed in by hand) without rerunning the script fails here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLES = sorted((ROOT / "reports").rglob("ablation.json"))


def _script() -> ModuleType:
    path = ROOT / "scripts" / "compare_consolidation.py"
    spec = importlib.util.spec_from_file_location("compare_consolidation", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_is_a_committed_ablation_table() -> None:
    assert TABLES


@pytest.mark.parametrize("path", TABLES, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_the_ablation_table_is_regenerated_from_its_reports(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the table names its folders from the repository's root
    script = _script()
    committed = json.loads(path.read_text(encoding="utf-8"))
    rows = script.table([(label, Path(row["folder"])) for label, row in committed.items()])
    assert rows == committed
    table = (path.parent / "ablation.md").read_text(encoding="utf-8")
    assert table == "\n".join(script.markdown(rows)) + "\n"
    assert table in (ROOT / "documentation" / "consolidation.md").read_text(encoding="utf-8")
