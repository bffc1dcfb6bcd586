"""One traversal of a module: the context tracker steps in before the visitors and out after them.

The visitors are the rules of a check, or the collectors of facts; each is a libcst batchable
visitor whose `visit_<Node>`/`leave_<Node>` methods are called in the engine's own walk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import libcst as cst

from fapcheck.semantic.context import FileContext
from fapcheck.semantic.walk import walk

VisitorMethod = Callable[[cst.CSTNode], object]


class Dispatcher:
    """One traversal: the context tracker steps in before the rules and out after them."""

    def __init__(self, ctx: FileContext, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
        self.ctx = ctx
        self.visits: dict[str, list[VisitorMethod]] = {}
        self.leaves: dict[str, list[VisitorMethod]] = {}
        for visitor in visitors:
            for name in visitor_names(type(visitor)):
                table = self.visits if name.startswith("visit_") else self.leaves
                table.setdefault(name[6:], []).append(getattr(visitor, name))

        # The same tables by node type, filled as types are met: no name is looked up per node.
        self._visits: dict[type[cst.CSTNode], list[VisitorMethod]] = {}
        self._leaves: dict[type[cst.CSTNode], list[VisitorMethod]] = {}

    def run(self, module: cst.Module) -> None:
        walk(module, self.on_visit, self.on_leave)

    def on_visit(self, node: cst.CSTNode) -> None:
        self.ctx.enter(node)
        methods = self._visits.get(type(node))
        if methods is None:
            methods = self._visits[type(node)] = self.visits.get(type(node).__name__, [])
        for method in methods:
            method(node)

    def on_leave(self, node: cst.CSTNode) -> None:
        methods = self._leaves.get(type(node))
        if methods is None:
            methods = self._leaves[type(node)] = self.leaves.get(type(node).__name__, [])
        for method in methods:
            method(node)
        self.ctx.leave(node)


@cache
def visitor_names(cls: type[cst.BatchableCSTVisitor]) -> tuple[str, ...]:
    # libcst's own base classes define a no-op visit_/leave_ for every node type: dispatching to
    # those would call ~1 600 empty methods per rule on every node.
    names = {
        name
        for klass in cls.__mro__
        if klass is not object and not klass.__module__.startswith("libcst")
        for name in vars(klass)
        if name.startswith(("visit_", "leave_")) and callable(getattr(cls, name))
    }
    return tuple(sorted(names))
