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
    "core": "hei-nw-core",
    "datasets": "hei-nw-datasets",
    "metrics": "hei-nw-metrics",
    "baselines": "hei-nw-eval",
    "eval": "hei-nw-eval",
    "harness": "hei-nw-harness",
    "memory": "hei-nw-memory",
    "train": "hei-nw-train",
    "api": "hei-nw-api",
    "server": "hei-nw-server",
    "consolidate": "hei-nw-consolidate",
}
# Third-party modules each distribution may import at run time (besides the stdlib).
ALLOWED_THIRD_PARTY = {
    # The floor: standard library only, so every member may stand on it.
    "hei-nw-core": set(),
    "hei-nw-datasets": set(),
    "hei-nw-metrics": set(),
    "hei-nw-adapter": {"torch"},
    "hei-nw-pack": set(),
    "hei-nw-models": {"torch", "transformers", "numpy", "safetensors"},
    "hei-nw-eval": {"torch", "transformers"},
    "hei-nw-memory": {"numpy", "faiss", "torch", "transformers", "psycopg"},
    "hei-nw-train": {"torch", "tqdm", "accelerate", "matplotlib", "safetensors"},
    "hei-nw-consolidate": {"torch", "transformers", "peft", "safetensors", "tqdm"},
    "hei-nw-harness": {"tqdm"},
    # The user-facing door: no eval, no training, no web stack.
    "hei-nw-api": {"torch", "transformers"},
    "hei-nw-server": {"fastapi", "uvicorn", "starlette", "pydantic", "prometheus_client"},
}
CHECKED_THIRD_PARTY = {
    "torch",
    "transformers",
    "numpy",
    "tqdm",
    "faiss",
    "accelerate",
    "matplotlib",
    "safetensors",
    "fastapi",
    "uvicorn",
    "starlette",
    "pydantic",
    "prometheus_client",
    "peft",
    "psycopg",
}
# Import names that differ from distribution names.
DISTRIBUTION = {
    "faiss": "faiss-cpu",
    "prometheus_client": "prometheus-client",
    # FastAPI's own foundations, installed and versioned with it.
    "starlette": "fastapi",
    "pydantic": "fastapi",
}


def project(pyproject: Path) -> dict[str, object]:
    data: dict[str, object] = tomllib.loads(pyproject.read_text())["project"]
    return data


def declared(pyproject: Path) -> set[str]:
    """Run-time dependencies, including optional extras (a module used only through an
    extra, like the memory package's MiniLM embedder, must be declared there)."""
    data = project(pyproject)
    deps = list(data.get("dependencies", []))  # type: ignore[call-overload]
    for extra in dict(data.get("optional-dependencies", {})).values():  # type: ignore[call-overload]
        deps += extra
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


def test_every_member_is_listed() -> None:
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
            elif top in CHECKED_THIRD_PARTY:
                assert top in ALLOWED_THIRD_PARTY[name], f"{source}: {name} must not import {top}"
                assert DISTRIBUTION.get(top, top) in deps, (
                    f"{source}: {top} is not declared by {name}"
                )
