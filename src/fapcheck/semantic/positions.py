"""Positions of nodes (line and column), computed only for files that have something to report.

libcst computes positions by generating the code of the whole module again. A file with findings usually
holds them in a few of its top-level statements: `lazy_positions` generates the code of those statements
only, each started at its own line, which CPython's tree of the same text gives.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

from fapcheck.semantic.walk import walk


def positions_of(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position. `MetadataWrapper.resolve` would also walk (and rebuild) the whole tree once
    more for batchable providers, of which there are none here: asking the provider itself skips that."""
    return _deep(lambda: _positions(module))


def lazy_positions(module: cst.Module, text: str, tree: ast.Module | None = None) -> LazyPositions:
    """The positions of `module`, parsed from `text`, as `positions_of` gives them, each computed when first
    asked for: the code of the top-level statement holding the node is generated, not the whole module's.
    `tree` is CPython's tree of `text` when the caller has it."""
    return LazyPositions(module, text, tree)


class LazyPositions(Mapping[cst.CSTNode, CodeRange]):
    """Node -> position, computed per top-level statement when first asked for; `whole` once every node's
    position is (a node outside the statements, or statements CPython's tree does not pair up with)."""

    def __init__(self, module: cst.Module, text: str, tree: ast.Module | None) -> None:
        self.module, self.text, self.tree = module, text, tree
        self.computed: dict[cst.CSTNode, CodeRange] = {}
        self.whole = False  # every node's position is computed
        self._statement_of: dict[int, int] | None = None  # id of a node -> its top-level statement's index
        self._lines: list[tuple[int, int]] | None = None  # each top-level statement's (first line, own line)
        self._done: set[int] = set()

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self.computed.get(node)
        if found is None and not self.whole:
            self._compute(node)
            found = self.computed.get(node)
        if found is None:
            raise KeyError(node)
        return found

    def __iter__(self) -> Iterator[cst.CSTNode]:
        self._compute_whole()
        return iter(self.computed)

    def __len__(self) -> int:
        self._compute_whole()
        return len(self.computed)

    def _compute(self, node: cst.CSTNode) -> None:
        if self._statement_of is None:
            self._statement_of = _statement_index(self.module)
            self._lines = _statement_lines(self.module, self.text, self.tree)
        index = self._statement_of.get(id(node))
        if index is None or self._lines is None or index in self._done:
            self._compute_whole()  # not in a statement (the module, its header), or statements not paired
            return
        statement = self.module.body[index]
        first, own = self._lines[index]
        computed = _deep(lambda: _statement_positions(self.module, statement, first))
        if computed[statement].start.line != own:
            self._compute_whole()  # the two parsers count lines differently here: libcst alone decides
            return
        self.computed.update(computed)
        self._done.add(index)

    def _compute_whole(self) -> None:
        if not self.whole:
            self.computed = dict(positions_of(self.module))
            self.whole = True


def _statement_positions(
    module: cst.Module, statement: cst.BaseStatement, line: int
) -> Mapping[cst.CSTNode, CodeRange]:
    """The positions of one top-level statement's nodes, its code generated from `line` on, as the module's
    code generation reaches it."""
    provider = PositionProvider()
    state = PositionProvidingCodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline, provider=provider, line=line
    )
    statement._codegen(state)
    return cast("Mapping[cst.CSTNode, CodeRange]", provider._computed)


def _statement_index(module: cst.Module) -> dict[int, int]:
    """Each node of the module's statements (not whitespace or tokens) -> the index of its top-level statement."""
    index: dict[int, int] = {}
    for number, statement in enumerate(module.body):

        def enter(node: cst.CSTNode, number: int = number) -> None:
            index[id(node)] = number

        walk(statement, enter, _nothing)
    return index


def _nothing(node: cst.CSTNode) -> None:
    return None


def _statement_lines(module: cst.Module, text: str, tree: ast.Module | None) -> list[tuple[int, int]] | None:
    """For each top-level statement, the line its code starts on (its leading blank and comment lines
    included) and the line libcst's position of it starts on (past its decorators), from CPython's tree;
    None when CPython cannot parse the text or the two trees do not pair up."""
    if _LONE_BACKSLASH.search(text):
        return None  # libcst drops a line holding only a backslash: its lines are not CPython's past it
    if tree is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
                tree = ast.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
    lines: list[tuple[int, int]] = []
    statements = iter(tree.body)
    for statement in module.body:
        # A line of `a; b` is one statement to libcst, one per part to CPython.
        parts = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        taken = [next(statements, None) for _ in range(parts)]
        first = taken[0]
        if first is None or taken[-1] is None:
            return None
        decorators = getattr(first, "decorator_list", None)
        top = decorators[0].lineno if decorators else first.lineno
        lines.append((top - len(statement.leading_lines), first.lineno))
    return lines if next(statements, None) is None else None


_LONE_BACKSLASH = re.compile(r"(?:\A|[\r\n])[ \t\f]*\\(?:\r|\n|\Z)")  # a line of only a backslash


def _positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    positions = PositionProvider()._gen(MetadataWrapper(module, unsafe_skip_copy=True))
    return cast("Mapping[cst.CSTNode, CodeRange]", positions)  # PositionProvider computes no lazy values


# A thread with this much stack runs this many Python frames safely (about 25 kB of C stack each, far more
# than a frame of code generation takes); deeper code still ends in a RecursionError, never a crash.
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 20_000


def _deep(work: Callable[[], Mapping[cst.CSTNode, CodeRange]]) -> Mapping[cst.CSTNode, CodeRange]:
    """`work()`, run again on a thread with a deep stack when libcst's code generation recurses too deeply
    (thousands of concatenated strings)."""
    try:
        return work()
    except RecursionError:
        return _with_deep_stack(work)


def _with_deep_stack(work: Callable[[], Mapping[cst.CSTNode, CodeRange]]) -> Mapping[cst.CSTNode, CodeRange]:
    import sys
    import threading

    outcome: list[Mapping[cst.CSTNode, CodeRange] | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the calling thread
            outcome.append(error)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _DEEP_RECURSION_LIMIT))
    try:
        try:
            old_size = threading.stack_size(_DEEP_STACK_BYTES)
        except (ValueError, RuntimeError) as error:  # a platform without settable thread stacks
            raise RecursionError("nested too deeply") from error
        try:
            thread = threading.Thread(target=run, name="fapcheck-positions")
            thread.start()
        except (RuntimeError, MemoryError) as error:  # no room for such a stack
            raise RecursionError("nested too deeply") from error
        finally:
            threading.stack_size(old_size)
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
