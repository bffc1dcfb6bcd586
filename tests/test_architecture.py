"""fapcheck's own layers, checked the way import-linter checks contracts.

The arrows point one way: cli -> report -> engine -> rules -> semantic -> (layers, config, catalog).
Rules never print or know the CLI or the engine; the semantic model (context tracker, project index,
facts, type model, call graph) never imports a rule, the engine, a reporter or the CLI; reporters
never parse; layers.py and config.py never import libcst.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "src" / "fapcheck"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(pattern: str) -> list[Path]:
    return sorted(PACKAGE.glob(pattern))


# What never sits below the semantic model: layers.py and config.py are pure data.
PURE = (
    "libcst",
    "fapcheck.engine",
    "fapcheck.semantic",
    "fapcheck.rules",
    "fapcheck.report",
    "fapcheck.cli",
    "rich",
    "typer",
)

FORBIDDEN: list[tuple[str, tuple[str, ...]]] = [
    ("layers.py", PURE),
    ("config.py", PURE),
    ("evidence.py", PURE),
    ("catalog.py", ("libcst", "fapcheck.")),
    ("findings.py", ("libcst", "fapcheck.")),
    ("writes.py", ("libcst", "fapcheck.")),  # how files are replaced: knows no rule, engine or reporter
    ("reading.py", ("libcst", "fapcheck.engine", "fapcheck.semantic", "fapcheck.rules", "fapcheck.report")),
    ("semantic/symbols.py", ("libcst", "fapcheck.")),  # what the cache unpickles: never the parser
    ("semantic/kinds.py", ("libcst", "fapcheck.")),  # plain data every rule reads
    ("semantic/tables.py", ("libcst",)),
    # other modules' facts are read without libcst: only a module CPython cannot parse falls back to it
    ("semantic/products_ast.py", ("libcst", "fapcheck.")),
    ("semantic/facts_ast.py", ("libcst", "fapcheck.semantic.context")),
    ("semantic/storage.py", ("libcst", "fapcheck.engine", "fapcheck.rules")),
    ("semantic/exchange.py", ("libcst", "fapcheck.semantic.facts", "fapcheck.semantic.context")),
    ("semantic/*.py", ("fapcheck.engine", "fapcheck.rules", "fapcheck.report", "fapcheck.cli", "rich", "typer")),
    ("baseline.py", ("libcst", "fapcheck.engine", "fapcheck.rules", "fapcheck.cli")),
    ("rules/*.py", ("fapcheck.cli", "fapcheck.report", "rich", "typer", "fapcheck.engine")),
    ("engine/*.py", ("fapcheck.cli", "fapcheck.report", "typer")),
    ("report/*.py", ("libcst", "fapcheck.engine", "fapcheck.semantic", "fapcheck.rules", "fapcheck.cli", "typer")),
]


@pytest.mark.parametrize(("pattern", "banned"), FORBIDDEN, ids=[p for p, _ in FORBIDDEN])
def test_imports_point_one_way(pattern: str, banned: tuple[str, ...]) -> None:
    files = modules(pattern)
    assert files, pattern
    for path in files:
        bad = sorted(name for name in imports_of(path) if any(name == b or name.startswith(b) for b in banned))
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_rules_never_print() -> None:
    for path in modules("rules/*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        assert not [c for c in calls if c.func.id in ("print", "open")], path  # type: ignore[attr-defined]
