"""Imports that fixes add and take away, placed as isort and ruff would place them.

An added `import x` goes after the shebang, the encoding cookie, the module docstring and the
`from __future__` imports, sorted into the standard-library group when there is one; an import whose
last use a fix took is removed, so a file that passed `ruff check --select F,I` still passes it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from fapcheck.findings import Edit

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def import_edit(module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], name: str) -> Edit:
    """Insert `import name` (a standard-library module) where a formatter would put it."""
    newline = module.default_newline
    line = f"import {name}{newline}"
    body = module.body
    start = 1 if body and _is_docstring(body[0]) else 0
    while start < len(body) and _is_future(body[start]):
        start += 1
    groups = _import_groups(body[start:])
    stdlib = next((group for group in groups if all(_is_stdlib(s) for s in group)), None)
    if stdlib is not None:
        key = name.lower()
        later = next((s for s in stdlib if not _is_plain_import(s) or _module_of(s).lower() > key), None)
        if later is not None:
            return _insert(positions[later].start.line, line)
        return _insert(positions[stdlib[-1]].end.line + 1, line)
    if groups:  # the standard library sorts first: a group of its own before the others
        return _insert(positions[groups[0][0]].start.line, line + newline)
    following = body[start] if start < len(body) else None
    blank = _blank_lines_before(following) if following is not None else 0
    wanted = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
    after = newline * max(0, wanted - blank) if following is not None else ""
    if start == 0:
        return _insert(len(module.header) + 1, line + after)
    # After the docstring or the `__future__` imports, a blank line between.
    return _insert(positions[body[start - 1]].end.line + 1, newline + line + after)


def _insert(line: int, text: str) -> Edit:
    return Edit(line, 1, line, 1, text)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    first = statement.body[0]
    return isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString))


def _import_of(statement: cst.BaseStatement) -> cst.Import | cst.ImportFrom | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        first = statement.body[0]
        if isinstance(first, (cst.Import, cst.ImportFrom)):
            return first
    return None


def _is_future(statement: cst.BaseStatement) -> bool:
    node = _import_of(statement)
    return isinstance(node, cst.ImportFrom) and _dotted(node.module) == "__future__" and not node.relative


def _import_groups(body: Sequence[cst.BaseStatement]) -> list[list[cst.BaseStatement]]:
    """The import statements at the top of the module, in groups separated by blank lines."""
    groups: list[list[cst.BaseStatement]] = []
    for statement in body:
        if _import_of(statement) is None:
            break
        if not groups or _blank_lines_before(statement):
            groups.append([])
        groups[-1].append(statement)
    return groups


def _blank_lines_before(statement: cst.BaseStatement) -> int:
    lines: Sequence[cst.EmptyLine] = getattr(statement, "leading_lines", ())
    return sum(1 for empty in lines if empty.comment is None)


def _module_of(statement: cst.BaseStatement) -> str:
    node = _import_of(statement)
    if isinstance(node, cst.Import):
        return _dotted(node.names[0].name)
    if isinstance(node, cst.ImportFrom):
        return "." if node.relative else _dotted(node.module)
    return ""


def _is_plain_import(statement: cst.BaseStatement) -> bool:
    return isinstance(_import_of(statement), cst.Import)


def _is_stdlib(statement: cst.BaseStatement) -> bool:
    return _module_of(statement).split(".")[0] in _STDLIB


def _dotted(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


# ---------------------------------------------------------------- imports whose last use a fix took


class _Uses(cst.CSTVisitor):
    """The names code reads, and the words of its strings (string annotations, `__all__`)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `x.time` does not use a name `time`
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.names.update(_WORD.findall(node.value))


def used_names(module: cst.Module) -> frozenset[str]:
    uses = _Uses()
    module.visit(uses)
    return frozenset(uses.names)


def drop_unused_imports(module: cst.Module, names: frozenset[str]) -> cst.Module:
    """Remove the module-level imports that bind only `names` (a fix took their last use)."""
    body: list[cst.BaseStatement] = []
    changed = False
    for statement in module.body:
        node = _import_of(statement)
        if node is None or _is_future(statement) or isinstance(node.names, cst.ImportStar):
            body.append(statement)
            continue
        kept = [alias for alias in node.names if _bound_name(alias, node) not in names]
        if len(kept) == len(node.names):
            body.append(statement)
            continue
        changed = True
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            body.append(statement.with_deep_changes(node, names=kept))
    return module.with_changes(body=body) if changed else module


def _bound_name(alias: cst.ImportAlias, node: cst.Import | cst.ImportFrom) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    dotted = _dotted(alias.name)
    return dotted.split(".")[0] if isinstance(node, cst.Import) else dotted
