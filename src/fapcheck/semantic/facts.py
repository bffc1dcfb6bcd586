"""What one module declares at its top level, for rules checking other modules.

`module_facts` is pure (path, source, module name, layer -> facts) and its
result is a frozen, picklable value, so it can be cached per process or on
disk. It reads only the top level: imports, assignments, type aliases, class
and function signatures (and whether a function yields). Names are resolved
through this module's own imports only; following them into other modules is
the project index's job.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import libcst as cst

from fapcheck.semantic.context import FileContext
from fapcheck.semantic.parsing import parse_source
from fapcheck.semantic.symbols import Definition, ModuleFacts, Param
from fapcheck.semantic.walk import walk


def module_facts(path: Path, source: bytes, module: str, is_package: bool, layer: str) -> ModuleFacts:
    """Facts of one module; a module that cannot be parsed has none.

    Function bodies say nothing here but whether they yield, so libcst parses a
    skeleton of the module whose bodies are cut down to `...` (or `yield`):
    half the text on typical code, the same facts.
    """
    tree = parse_source(source, str(path), skeleton)
    if tree is None:
        return ModuleFacts(module, layer)
    return facts_of_tree(tree, str(path), module, is_package, layer, find_generators=b"yield" in source)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def skeleton(text: str) -> str:
    """The module with each function body spanning its own lines replaced by `...`, or `yield` when it
    yields; the text itself when CPython cannot read it (libcst may: newer syntax)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return text
    lines = _LINE.findall(text)
    cuts: list[tuple[int, int, bool]] = []
    _cut_bodies(tree.body, lines, cuts)
    for start, end, yields in reversed(cuts):
        first = lines[start - 1]
        indent = first[: len(first) - len(first.lstrip(" \t\f"))]
        lines[start - 1 : end] = [f"{indent}{'yield' if yields else '...'}\n"]
    return "".join(lines)


def _cut_bodies(body: Sequence[ast.stmt], lines: list[str], cuts: list[tuple[int, int, bool]]) -> None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0]
            decorators: list[ast.expr] = getattr(first, "decorator_list", [])
            start = min([first.lineno, *(d.lineno for d in decorators)])
            # Only a body whose lines hold nothing else: not `def f(): ...`, nor `def f(\n  a): return a`.
            line = lines[start - 1] if start <= len(lines) else ""
            code = line.lstrip(" \t\f")
            starts_line = code.startswith("@") if decorators else len(line) - len(code) == first.col_offset
            if start > node.lineno and starts_line and node.end_lineno is not None:
                cuts.append((start, node.end_lineno, _yields(node.body)))
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                _cut_bodies(inner, lines, cuts)


def _yields(body: Sequence[ast.AST]) -> bool:
    """Whether statements yield, not counting nested functions, lambdas and classes."""
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, _SCOPES):
            todo.extend(ast.iter_child_nodes(node))
    return False


def facts_of_tree(
    tree: cst.Module, path: str, module: str, is_package: bool, layer: str, find_generators: bool = True
) -> ModuleFacts:
    """Facts from a parsed module; `find_generators=False` skips reading function bodies for `yield`."""
    ctx = FileContext(path, layer, module, is_package, None)
    collector = _Collector(ctx, module, layer, find_generators)
    collector.walk(tree.body)
    names = tuple(sorted(ctx.frames[0].bindings.items()))
    imports = tuple(dict.fromkeys(item.target for item in ctx.imports))
    return ModuleFacts(module, layer, names, tuple(collector.definitions), imports)


class _Collector:
    def __init__(self, ctx: FileContext, module: str, layer: str, find_generators: bool) -> None:
        self.ctx = ctx
        self.find_generators = find_generators
        self.prefix = f"{module}." if module else ""
        self.layer = layer
        self.definitions: list[Definition] = []

    def walk(self, body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        ctx = self.ctx
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                self.walk(statement.body)
            elif isinstance(statement, (cst.Import, cst.ImportFrom, cst.TypeAlias)):
                ctx.enter(statement)
            elif isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                ctx.leave(statement)
            elif isinstance(statement, cst.FunctionDef):
                self.definitions.append(self.function(statement))
            elif isinstance(statement, cst.ClassDef):
                self.definitions.append(self.klass(statement))
            elif isinstance(statement, cst.If):
                ctx.enter(statement)
                self._block(statement.body)
                if statement.orelse is not None:
                    orelse = statement.orelse
                    if isinstance(orelse, cst.If):
                        self.walk([orelse])
                    else:
                        self._block(orelse.body)
            elif isinstance(statement, cst.Try):
                self._block(statement.body)
                for handler in statement.handlers:
                    self._block(handler.body)
                for extra in (statement.orelse, statement.finalbody):
                    if extra is not None:
                        self._block(extra.body)
            elif isinstance(statement, cst.With):
                self._block(statement.body)

    def _block(self, block: cst.BaseSuite) -> None:
        self.ctx.enter(block)
        if isinstance(block, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            self.walk(block.body)
        self.ctx.leave(block)

    def params(self, params: cst.Parameters, skip_first: bool = False) -> tuple[Param, ...]:
        ctx = self.ctx
        found: list[Param] = []
        for index, param in enumerate([*params.posonly_params, *params.params, *params.kwonly_params]):
            if skip_first and index == 0:
                continue
            annotated = ctx.annotation_type(param.annotation.annotation) if param.annotation is not None else None
            provider = ctx.depends_provider(param.default) if param.default is not None else None
            if provider is None and annotated is not None:
                provider = annotated.depends
            found.append(
                Param(
                    param.name.value,
                    annotated.qualname if annotated is not None else None,
                    provider,
                    param.default is not None,
                )
            )
        return tuple(found)

    def signature(self, node: cst.FunctionDef, skip_first: bool = False) -> tuple[Param, ...]:
        """A def's parameters, read in its own scope as the context tracker sets it up."""
        self.ctx.enter(node)
        try:
            return self.params(node.params, skip_first)
        finally:
            self.ctx.leave(node)

    def function(self, node: cst.FunctionDef) -> Definition:
        ctx = self.ctx
        returns = produced_type(ctx, node.returns.annotation) if node.returns is not None else None
        params = self.signature(node)
        return Definition(
            self.prefix + node.name.value,
            "function",
            self.layer,
            node.asynchronous is not None,
            self.find_generators and _body_yields(node.body),
            params,
            bases=self.decorators(node.decorators),
            returns=returns,
        )

    def decorators(self, decorators: Sequence[cst.Decorator]) -> tuple[str, ...]:
        """Qualified names of decorators, called ones (`@app.task(bind=True)`) by their callee too."""
        names = [self.ctx.qualified_name(d.decorator) for d in decorators]
        names += [self.ctx.qualified_name(d.decorator.func) for d in decorators if isinstance(d.decorator, cst.Call)]
        return tuple(dict.fromkeys(name for name in names if name))

    def klass(self, node: cst.ClassDef) -> Definition:
        ctx = self.ctx
        bases = [ctx.qualified_name(arg.value) for arg in node.bases if arg.keyword is None]
        bases += self.decorators(node.decorators)
        ctx.enter(node)
        params: tuple[Param, ...] = ()
        methods: list[str] = []
        try:
            body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
            for statement in body:
                if isinstance(statement, cst.FunctionDef):
                    methods.append(statement.name.value)
                    if statement.name.value == "__init__":
                        params = self.signature(statement, skip_first=True)
        finally:
            ctx.leave(node)
        return Definition(
            self.prefix + node.name.value,
            "class",
            self.layer,
            params=params,
            bases=tuple(b for b in bases if b),
            methods=tuple(methods),
        )


_PRODUCERS = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in ("Generator", "Iterator", "AsyncGenerator", "AsyncIterator", "ContextManager", "AsyncContextManager")
) | frozenset({"contextlib.AbstractContextManager", "contextlib.AbstractAsyncContextManager"})


def produced_type(ctx: FileContext, node: cst.BaseExpression) -> str | None:
    """The type a function annotated `-> node` hands out: `Session` for `Iterator[Session]` too."""
    if isinstance(node, cst.Subscript) and ctx.qualified_name(node.value) in _PRODUCERS:
        elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
        return produced_type(ctx, elements[0]) if elements else None
    annotated = ctx.annotation_type(node)
    return annotated.qualname if annotated is not None else None


_NEW_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def _body_yields(body: cst.BaseSuite) -> bool:
    """Whether a function body yields, not counting nested functions, lambdas and classes."""
    found = False

    def enter(node: cst.CSTNode) -> bool:
        nonlocal found
        found = found or isinstance(node, cst.Yield)
        return not found and not isinstance(node, _NEW_SCOPES)

    walk(body, enter, lambda node: None)
    return found
