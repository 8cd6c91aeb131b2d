"""Workspace structure: namespace layout and declared inter-package dependencies."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = sorted([*ROOT.glob("packages/*/pyproject.toml"), *ROOT.glob("apps/*/pyproject.toml")])

# Which distribution owns each hei_nw subpackage.
OWNER = {
    "adapter": "hei-nw-adapter",
    "pack": "hei-nw-pack",
    "models": "hei-nw-models",
    "datasets": "hei-nw-eval",
    "metrics": "hei-nw-eval",
    "baselines": "hei-nw-eval",
    "eval": "hei-nw-eval",
    "harness": "hei-nw-harness",
}
# Third-party modules each distribution may import at run time (besides the stdlib).
ALLOWED_THIRD_PARTY = {
    "hei-nw-adapter": {"torch"},
    "hei-nw-pack": set(),
    "hei-nw-models": {"torch", "transformers", "numpy"},
    "hei-nw-eval": {"torch", "transformers"},
    "hei-nw-harness": {"tqdm"},
}


def project(pyproject: Path) -> dict[str, object]:
    data: dict[str, object] = tomllib.loads(pyproject.read_text())["project"]
    return data


def declared(pyproject: Path) -> set[str]:
    deps = project(pyproject).get("dependencies", [])
    assert isinstance(deps, list)
    return {re.split(r"[\[<>=!~; ]", str(dep), maxsplit=1)[0] for dep in deps}


def imports(source: Path) -> set[str]:
    tree = ast.parse(source.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_five_members() -> None:
    names = {project(p)["name"] for p in MEMBERS}
    assert names == set(ALLOWED_THIRD_PARTY)


@pytest.mark.parametrize("pyproject", MEMBERS, ids=lambda p: p.parent.name)
def test_namespace_layout(pyproject: Path) -> None:
    namespace = pyproject.parent / "src" / "hei_nw"
    assert namespace.is_dir()
    assert not (namespace / "__init__.py").exists(), "hei_nw must stay a PEP 420 namespace"
    for package in namespace.iterdir():
        if package.is_dir() and package.name != "__pycache__":
            assert (package / "__init__.py").is_file()
            assert (package / "py.typed").is_file()


@pytest.mark.parametrize("pyproject", MEMBERS, ids=lambda p: p.parent.name)
def test_members_import_only_what_they_declare(pyproject: Path) -> None:
    name = str(project(pyproject)["name"])
    deps = declared(pyproject)
    for source in (pyproject.parent / "src").rglob("*.py"):
        for module in imports(source):
            top = module.split(".")[0]
            if top == "hei_nw":
                owner = OWNER[module.split(".")[1]]
                assert owner == name or owner in deps, (
                    f"{source}: imports {module} without declaring {owner}"
                )
            elif top in {"torch", "transformers", "numpy", "tqdm"}:
                assert top in ALLOWED_THIRD_PARTY[name], f"{source}: {name} must not import {top}"
                assert top in deps, f"{source}: {top} is not declared by {name}"
