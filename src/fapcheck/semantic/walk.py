"""A read-only traversal of a libcst tree, in libcst's own order, that builds nothing.

`CSTNode.visit` rebuilds (and validates) every node it passes, even for a
visitor that changes nothing: that is most of a traversal's cost. This walk
reads the children straight from the node's fields instead. The order of a
node type's fields is learnt once, from libcst itself: its
`_visit_and_replace_children` announces every field, present or not, through
`on_visit_attribute`, always in the same order for the same type (a field
that some node types visit only when it is set, such as an f-string
expression's format spec, comes last and is added after the recorded ones;
tests/test_walk.py checks the order against libcst's own). Whitespace
and token nodes (`libcst._nodes.whitespace`, `libcst._nodes.op`) carry no
meaning for the rules and are not entered.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterator

import libcst as cst
from libcst._nodes import op as _op
from libcst._nodes import whitespace as _whitespace

Callback = Callable[[cst.CSTNode], object]


def _classes_of(module: object) -> frozenset[type[cst.CSTNode]]:
    name = getattr(module, "__name__", "")
    return frozenset(
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, cst.CSTNode) and value.__module__ == name
    )


# Whitespace, comments and operator tokens: never entered.
SKIPPED: frozenset[type[cst.CSTNode]] = _classes_of(_whitespace) | _classes_of(_op)


class _FieldRecorder(cst.CSTVisitor):
    """Records the fields libcst visits on one node, without descending."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        return None

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if attribute not in self.fields:
            self.fields.append(attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def fields_of(node: cst.CSTNode) -> tuple[str, ...]:
    """The child fields of a node's type, in the order libcst visits them."""
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        recorder = _FieldRecorder()
        node._visit_and_replace_children(recorder)
        unrecorded = [f.name for f in dataclasses.fields(kind) if f.name not in recorder.fields]
        fields = _FIELDS[kind] = (*recorder.fields, *unrecorded)
    return fields


_NODE, _SEQUENCE, _OTHER = 1, 2, 0
# What a field value's type holds: a node to walk, a sequence of them, or nothing (str, None, a
# sentinel, whitespace, a token). Decided once per type: isinstance against libcst's abstract
# classes costs more than the rest of the walk.
_KINDS: dict[type, int] = {}


def _kind(value: object) -> int:
    kind = type(value)
    if isinstance(value, cst.CSTNode):
        found = _OTHER if kind in SKIPPED else _NODE
    elif isinstance(value, (tuple, list)):
        found = _SEQUENCE
    else:
        found = _OTHER
    _KINDS[kind] = found
    return found


# Beyond this depth the walk goes on with an explicit stack: long implicit string concatenations
# nest one node per piece (thousands in generated code), more than Python's recursion limit.
_RECURSION_DEPTH = 200


def walk(node: cst.CSTNode, enter: Callback, leave: Callback) -> None:
    """Call `enter` on each node before its children and `leave` after them, skipping whitespace and tokens.

    When `enter` returns False, the node's children are not walked (as a libcst visitor's `visit_`)."""
    _walk(node, enter, leave, 0)


def _walk(node: cst.CSTNode, enter: Callback, leave: Callback, depth: int) -> None:
    if depth > _RECURSION_DEPTH:
        _walk_iteratively(node, enter, leave)
        return
    if enter(node) is not False:
        for child in _children(node):
            _walk(child, enter, leave, depth + 1)
    leave(node)


def _walk_iteratively(root: cst.CSTNode, enter: Callback, leave: Callback) -> None:
    stack: list[tuple[cst.CSTNode, Iterator[cst.CSTNode]]] = []

    def step_in(node: cst.CSTNode) -> None:
        stack.append((node, iter(_children(node) if enter(node) is not False else ())))

    step_in(root)
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            leave(node)
        else:
            step_in(child)


# The fields of each node type that may hold a node the walk enters: a field whose declared type admits only
# whitespace and tokens (`whitespace_after_func`, `comma`) is never read.
_WALKED: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _walked_fields(node: cst.CSTNode) -> tuple[str, ...]:
    kind = type(node)
    # libcst's annotations are objects, not strings: read as they are (a string is taken as "may hold one").
    declared = {field.name: field.type for field in dataclasses.fields(kind)}
    fields = _WALKED[kind] = tuple(name for name in fields_of(node) if _may_hold_walked(declared.get(name)))
    return fields


def _may_hold_walked(annotation: object) -> bool:
    """Whether a value of the declared type may be (or hold) a node the walk enters; True when unsure."""
    if annotation is None or isinstance(annotation, (str, typing.ForwardRef)):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is not None:  # Union, Optional, Sequence[...]
        return any(_may_hold_walked(argument) for argument in typing.get_args(annotation))
    if not isinstance(annotation, type):
        return True
    if not issubclass(annotation, cst.CSTNode):
        return annotation not in _PLAIN_VALUES  # a value that is no node and holds none
    return not _only_skipped(annotation)


_PLAIN_VALUES = (str, int, float, bool, type(None), cst.MaybeSentinel)


def _only_skipped(kind: type) -> bool:
    """A whitespace or token class all of whose subclasses are whitespace or tokens too (by module: libcst
    rebuilds its classes with slots, and the classes it rebuilt stay subclasses of their bases)."""
    subclasses: list[type] = kind.__subclasses__()
    return kind.__module__ in _SKIPPED_MODULES and all(_only_skipped(sub) for sub in subclasses)


_SKIPPED_MODULES = frozenset((_whitespace.__name__, _op.__name__))


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's children to walk, in libcst's order."""
    fields = _WALKED.get(type(node))
    if fields is None:
        fields = _walked_fields(node)
    kinds = _KINDS
    children: list[cst.CSTNode] = []
    for name in fields:
        value = getattr(node, name)
        kind = kinds.get(type(value))
        if kind is None:
            kind = _kind(value)
        if kind == _NODE:
            children.append(value)
        elif kind == _SEQUENCE:
            for child in value:
                child_kind = kinds.get(type(child))
                if child_kind is None:
                    child_kind = _kind(child)
                if child_kind == _NODE:
                    children.append(child)
    return children
