"""Code a newcomer reads top to bottom: no module over 300 lines and no function over 60
(argument-parser tables excepted: one ``add_argument`` after another)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [*ROOT.glob("packages/*/src/hei_nw/**/*.py"), *ROOT.glob("apps/*/src/hei_nw/**/*.py")]
)
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 60


def _is_parser_table(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return node.name.startswith("build_") and node.name.endswith("parser")


def test_there_are_sources() -> None:
    assert len(SOURCES) > 100


def test_no_module_is_over_300_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in SOURCES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules: {long}"


def test_no_function_is_over_60_lines() -> None:
    long = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_parser_table(
                node
            ):
                assert node.end_lineno is not None
                if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not long, f"split these functions: {long}"
