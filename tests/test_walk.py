"""The engine's traversal meets the nodes libcst's own `visit` does, in the same order."""

from __future__ import annotations

import libcst as cst
import pytest

from fapcheck.semantic.walk import SKIPPED, walk

from conftest import REPO

EVERY_SHAPE = '''\
"""Module docstring."""
from __future__ import annotations
import os.path as p, sys
from .. import sibling  # a comment
from x import (a as b, c,)
from y import *

@decorator(arg=1)
@other.attr
class K(Base, metaclass=Meta):
    x: int = 1
    def __init__(self, *args: int, k: str = "v", **kw: object) -> None:
        super().__init__()
        self.v = [i for i in args if i if not i]
        self.w = {k: v for k, v in kw.items()}
        self.s = {*args}
        self.g = (lambda q, /, r=2, *, s: q + r)(1, s=3)

async def f(a, /, b: "T" = ..., *c, d, **e) -> list[int]:
    global G
    async with ctx() as (m, n), other():
        async for i in aiter():
            await g(i)
    try:
        pass
    except* (ValueError, TypeError) as err:
        raise RuntimeError from err
    finally:
        del a[0], b.x
    while (w := next(it)) is not None:
        if w > 1 and w < 9 or not w:
            continue
        elif w in (1, 2):
            break
        else:
            w **= 2
    match command.split():
        case [action, *rest] if action == "go":
            return [1]
        case {"k": v, **others}:
            pass
        case Point(x=0) | Point(y=0):
            pass
        case _:
            pass
    x = f"{a!r:>{width}} and {b=}" "tail" r"\\x"
    y = a if b else c
    z = yield from gen()
    assert x, "message"
    return [*range(3), *[4]][1:2:1]

type Alias[T] = dict[str, T]
def generic[T: int, *Ts, **P](x: T) -> T: return x
'''


def _libcst_order(module: cst.Module) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []

    class Recorder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if type(node) not in SKIPPED:
                seen.append(("enter", id(node)))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if type(original_node) not in SKIPPED:
                seen.append(("leave", id(original_node)))

    module.visit(Recorder())
    return seen


def _walk_order(module: cst.Module) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    walk(module, lambda node: seen.append(("enter", id(node))), lambda node: seen.append(("leave", id(node))))
    return seen


def _sources() -> list[tuple[str, str]]:
    files = sorted((REPO / "fixtures").rglob("*.py")) + sorted((REPO / "src" / "fapcheck").rglob("*.py"))
    sources = [("every_shape", EVERY_SHAPE)]
    for path in files:
        try:
            sources.append((str(path.relative_to(REPO)), path.read_text("utf-8")))
        except UnicodeDecodeError:
            continue  # the bad-input fixtures
    return sources


def _has_skipped_descendant(module: cst.Module) -> bool:
    """libcst descends into whitespace and tokens; those subtrees hold only skipped nodes (checked here)."""
    found = False

    class Check(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            nonlocal found
            if type(node) in SKIPPED:
                found = found or any(type(child) not in SKIPPED for child in node.children)
            return True

    module.visit(Check())
    return found


@pytest.mark.parametrize(("name", "source"), _sources(), ids=lambda value: str(value)[:60])
def test_walk_matches_libcst_visit(name: str, source: str) -> None:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        pytest.skip("a syntax-error fixture")
    assert not _has_skipped_descendant(module), name
    assert _walk_order(module) == _libcst_order(module), name


def test_every_shape_parses_on_this_libcst() -> None:
    module = cst.parse_module(EVERY_SHAPE)
    kinds = {type(node).__name__ for node in _nodes(module)}
    assert {"MatchAs", "TypeAlias", "TypeParam", "FormattedString", "NamedExpr", "Lambda", "ExceptStarHandler"} <= kinds


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    walk(module, found.append, lambda node: None)
    return found


def test_a_field_visited_only_when_set_keeps_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    from fapcheck.semantic import walk as walk_module

    monkeypatch.setattr(walk_module, "_FIELDS", {})  # learn the order from an f-string without a format spec
    module = cst.parse_module('a = f"{x}"\nb = f"{y:>{width}}"\n')
    assert _walk_order(module) == _libcst_order(module)


def test_a_tree_deeper_than_the_recursion_limit_is_walked() -> None:
    pieces = " ".join(f'"{i}"' for i in range(3000))  # one ConcatenatedString node per piece
    module = cst.parse_module(f"x = ({pieces})\n")
    assert _walk_order(module) == _libcst_order_deep(module)


def _libcst_order_deep(module: cst.Module) -> list[tuple[str, int]]:
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(50_000)  # libcst's own visit recurses several frames per level
    try:
        return _libcst_order(module)
    finally:
        sys.setrecursionlimit(limit)


def test_enter_returning_false_skips_the_children() -> None:
    module = cst.parse_module("def f():\n    x = 1\n\ny = 2\n")
    entered: list[str] = []

    def enter(node: cst.CSTNode) -> bool:
        entered.append(type(node).__name__)
        return not isinstance(node, cst.FunctionDef)

    left: list[str] = []
    walk(module, enter, lambda node: left.append(type(node).__name__))
    assert "Assign" in entered and entered.count("Assign") == 1  # y = 2 only
    assert entered.count("Name") == 1 and "FunctionDef" in left  # f's name and body not entered; f still left


def test_only_fields_that_may_hold_entered_nodes_are_read() -> None:
    from fapcheck.semantic import walk as walk_module

    call = cst.parse_expression("f(a, b=1)")
    assert walk_module._walked_fields(call) == ("lpar", "func", "args", "rpar")
    # Every field left unread, on every node of fapcheck's semantic model, holds whitespace and tokens only.
    root = REPO / "src" / "fapcheck" / "semantic"
    checked = 0
    for path in sorted(root.rglob("*.py")):
        nodes: list[cst.CSTNode] = []
        walk(cst.parse_module(path.read_bytes()), nodes.append, lambda node: None)
        for node in nodes:
            read = walk_module._walked_fields(node)
            for name in walk_module.fields_of(node):
                if name in read:
                    continue
                value = getattr(node, name)
                held = value if isinstance(value, (tuple, list)) else (value,)
                assert all(type(item) in walk_module.SKIPPED or not isinstance(item, cst.CSTNode) for item in held)
                checked += 1
    assert checked > 10_000
