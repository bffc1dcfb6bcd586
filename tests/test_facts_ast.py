"""Module facts read from CPython's tree equal those read from libcst's, on every fixture and on fapcheck."""

from __future__ import annotations

from pathlib import Path

import pytest

from fapcheck.semantic.facts import facts_of_tree
from fapcheck.semantic.facts_ast import read_facts
from fapcheck.semantic.parsing import parse_source

from conftest import REPO

FILES = sorted([*(REPO / "fixtures").rglob("*.py"), *(REPO / "src").rglob("*.py")])


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(REPO)) for p in FILES])
def test_both_readings_give_the_same_facts(path: Path) -> None:
    source = path.read_bytes()
    tree = parse_source(source, str(path))
    if tree is None:
        pytest.skip("neither reading has facts of a file libcst cannot parse")
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: read with libcst")
    by_ast = read_facts(text, "pkg.mod", False, "service", True)
    if by_ast is None:
        pytest.skip("newer syntax than this Python parses: read with libcst")
    assert by_ast == facts_of_tree(tree, str(path), "pkg.mod", False, "service", True)
