"""Where the functions of a reported chain are defined, and where the last one blocks.

Function facts hold no lines: positions cost libcst about two more parses of a module, and most modules
a call graph reads end no reported chain. The facts keep, instead, the index of the function's `def`
among the module's function definitions and of its blocking call among the module's calls, both in
source order, the order of libcst's walk. Only a reported chain's modules are read again, with the
standard library's parser (a small part of a libcst parse): sorted by where they start, its function
definitions and calls are libcst's, in the same order. Where that parser cannot read a module (syntax
newer than the running Python), or a name found there is not the one the facts give, the module is
parsed with libcst and positions, and walked as the facts' walk did.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from fapcheck.reading import read_regular
from fapcheck.semantic.parsing import parse_source
from fapcheck.semantic.positions import positions_of
from fapcheck.semantic.source import source_encoding, too_deep
from fapcheck.semantic.symbols import FunctionFacts
from fapcheck.semantic.walk import walk

Position = tuple[int, int]  # line and column, 1-based; the column counts characters
Found = tuple[str | None, Position]  # the name there (a call's: of the called function or method)


@dataclass(frozen=True, slots=True)
class FunctionPlace:
    definition: Position  # of the function's name in its `def`
    blocking: Position | None  # of the call `FunctionFacts.blocking` names


@dataclass(frozen=True, slots=True)
class ModulePlaces:
    """A module's function definitions and calls, in the order of libcst's walk, each with its position."""

    definitions: list[Found]  # in source order
    calls: list[Found]
    exact: bool  # found by libcst's own walk: the ordinals hold without checking names

    def place(self, facts: FunctionFacts) -> FunctionPlace | None:
        definition = _nth(self.definitions, facts.ordinal)
        if definition is None or not (self.exact or definition[0] == facts.qualname.rpartition(".")[2]):
            return None
        if facts.blocking is None:
            return FunctionPlace(definition[1], None)
        call = _nth(self.calls, facts.blocking_ordinal)
        if call is None or not (self.exact or call[0] == _called_name(facts.blocking)):
            return None
        return FunctionPlace(definition[1], call[1])


class FunctionPlaces:
    """The places of functions, each module read once per run."""

    def __init__(self) -> None:
        self._modules: dict[str, ModulePlaces | None] = {}  # absolute path -> its definitions and calls

    def of(self, facts: FunctionFacts) -> FunctionPlace | None:
        key = os.path.abspath(facts.path)
        if key not in self._modules:
            self._modules[key] = read_module(Path(facts.path), exact=False)
        module = self._modules[key]
        found = module.place(facts) if module is not None else None
        if found is None and (module is None or not module.exact):
            module = self._modules[key] = read_module(Path(facts.path), exact=True)
            found = module.place(facts) if module is not None else None
        return found


def _nth(found: list[Found], index: int) -> Found | None:
    return found[index] if 0 <= index < len(found) else None


def _called_name(blocking: str) -> str:
    """`boto3.client(...).put_object()` -> `put_object`: the name a reader sees called."""
    return blocking.removesuffix("()").rpartition(".")[2]


def read_module(path: Path, exact: bool) -> ModulePlaces | None:
    """With `exact`, by libcst's own walk; else by the standard library's parser, when it can read the module."""
    try:
        source = read_regular(path)
    except OSError:
        return None
    if exact:
        return _from_libcst(source, str(path))
    try:
        text = source.decode(source_encoding(source))
        if "\0" in text or too_deep(text, str(path)) is not None:
            return None
        tree = ast.parse(text)
    except (SyntaxError, ValueError, UnicodeError, LookupError, RecursionError, MemoryError):
        return None  # syntax this Python cannot read: libcst can
    return _from_ast(tree, text)


_DEF = re.compile(r"(?:async\s+)?def\s+")
_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line ends the tokenizer knows (str.splitlines knows more)


def _from_ast(tree: ast.Module, text: str) -> ModulePlaces | None:
    lines = _NEWLINE.split(text)

    def position(line: int, offset: int) -> Position:  # ast counts columns in UTF-8 bytes
        return line, len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8", "replace")) + 1

    definitions: list[tuple[tuple[int, ...], Found]] = []
    calls: list[tuple[tuple[int, ...], Found]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            line, column = position(node.lineno, node.col_offset)
            keyword = _DEF.match(lines[line - 1], column - 1)
            if keyword is None or not lines[line - 1].startswith(node.name, keyword.end()):
                return None  # `def` and its name on different lines
            definitions.append(((line, column), (node.name, (line, keyword.end() + 1))))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            # Source order, an enclosing call before the calls it starts with (`a.b(c)(d)`): libcst's walk.
            order = (node.lineno, node.col_offset, -(node.end_lineno or 0), -(node.end_col_offset or 0))
            calls.append((order, (name, position(node.lineno, node.col_offset))))
    definitions.sort(key=lambda item: item[0])
    calls.sort(key=lambda item: item[0])
    return ModulePlaces([found for _, found in definitions], [found for _, found in calls], False)


def _from_libcst(source: bytes, display: str) -> ModulePlaces | None:
    module = parse_source(source, display)
    if module is None:
        return None
    definitions: list[cst.FunctionDef] = []
    calls: list[cst.Call] = []

    def enter(node: cst.CSTNode) -> None:
        if isinstance(node, cst.FunctionDef):
            definitions.append(node)
        elif isinstance(node, cst.Call):
            calls.append(node)

    walk(module, enter, lambda node: None)
    positions = positions_of(module)

    def start(node: cst.CSTNode) -> Position:
        where = positions[node].start
        return where.line, where.column + 1

    return ModulePlaces(
        [(node.name.value, start(node.name)) for node in definitions], [(None, start(node)) for node in calls], True
    )
