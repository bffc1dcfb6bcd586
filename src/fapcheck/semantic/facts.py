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
from dataclasses import replace
from pathlib import Path

import libcst as cst

from fapcheck.semantic.context import FileContext, class_base
from fapcheck.semantic.parsing import parse_source
from fapcheck.semantic.products_ast import product_call_ast, yields_ast
from fapcheck.semantic.symbols import Definition, ModuleFacts, Param
from fapcheck.semantic.tables import MODEL_VALIDATORS, OVERLOAD_DECORATORS, REWRITING_METHODS
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


def skeleton(text: str) -> str:
    """The module with each function body spanning its own lines cut down to what facts read: the call
    it returns or yields (`return Service(repo)`, `yield SessionLocal()`), a bare `yield` when it yields
    something else, `...` otherwise; an `__init__` keeps its body (it binds the instance's attributes).
    The text itself when CPython cannot read it (libcst may: newer syntax)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return text
    lines = _LINE.findall(text)
    cuts: list[tuple[int, int, str]] = []
    _cut_bodies(tree.body, lines, cuts, in_class=False)
    for start, end, replacement in reversed(cuts):
        first = lines[start - 1]
        indent = first[: len(first) - len(first.lstrip(" \t\f"))]
        lines[start - 1 : end] = [f"{indent}{replacement}\n"]
    return "".join(lines)


def _cut_bodies(body: Sequence[ast.stmt], lines: list[str], cuts: list[tuple[int, int, str]], in_class: bool) -> None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if in_class and node.name == "__init__":
                continue
            first = node.body[0]
            decorators: list[ast.expr] = getattr(first, "decorator_list", [])
            start = min([first.lineno, *(d.lineno for d in decorators)])
            # Only a body whose lines hold nothing else: not `def f(): ...`, nor `def f(\n  a): return a`.
            line = lines[start - 1] if start <= len(lines) else ""
            code = line.lstrip(" \t\f")
            starts_line = code.startswith("@") if decorators else len(line) - len(code) == first.col_offset
            if start > node.lineno and starts_line and node.end_lineno is not None:
                cuts.append((start, node.end_lineno, _kept_statement(node.body, lines)))
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                _cut_bodies(inner, lines, cuts, in_class=isinstance(node, ast.ClassDef))


def _kept_statement(body: Sequence[ast.stmt], lines: list[str]) -> str:
    """The one statement a cut body keeps: its product (`products.py`), or whether it yields."""
    yields = yields_ast(body)
    call = product_call_ast(body)
    segment = _segment(lines, call) if call is not None else None
    if segment is not None:
        return f"{'yield' if yields else 'return'} ({segment})"
    return "yield" if yields else "..."


def _segment(lines: list[str], node: ast.expr) -> str | None:
    """A node's source text; CPython's columns count UTF-8 bytes (`ast.get_source_segment` splits the
    whole text again on every call: too slow for every function of a module)."""
    if node.end_lineno is None or node.end_col_offset is None:
        return None
    first, last = node.lineno - 1, node.end_lineno - 1
    if last >= len(lines):
        return None
    if first == last:
        return lines[first].encode()[node.col_offset : node.end_col_offset].decode(errors="replace")
    head = lines[first].encode()[node.col_offset :].decode(errors="replace")
    tail = lines[last].encode()[: node.end_col_offset].decode(errors="replace")
    return head + "".join(lines[first + 1 : last]) + tail


def facts_of_tree(
    tree: cst.Module, path: str, module: str, is_package: bool, layer: str, find_generators: bool = True
) -> ModuleFacts:
    """Facts from a parsed module; `find_generators=False` skips reading function bodies for `yield`."""
    ctx = FileContext(path, layer, module, is_package, None)
    ctx.enter(tree)  # the module's own functions and classes, for what calling them gives
    collector = _Collector(ctx, module, layer, find_generators)
    collector.walk(tree.body)
    names = tuple(sorted(ctx.frames[0].bindings.items()))
    imports = tuple(dict.fromkeys(item.target for item in ctx.imports))
    stars = tuple(item.module for item in ctx.imports if item.name is None and isinstance(item.node, cst.ImportFrom))
    return ModuleFacts(module, layer, names, tuple(collector.definitions), imports, stars, collector.urls())


class _Collector:
    def __init__(self, ctx: FileContext, module: str, layer: str, find_generators: bool) -> None:
        self.ctx = ctx
        self.find_generators = find_generators
        self.prefix = f"{module}." if module else ""
        self.layer = layer
        self.definitions: list[Definition] = []
        self._assigned: dict[str, str | None] = {}  # module-level name -> its URL literal, None once rebound
        self._class_urls: list[tuple[str, str]] = []

    def walk(self, body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        ctx = self.ctx
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                self.walk(statement.body)
            elif isinstance(statement, (cst.Import, cst.ImportFrom, cst.TypeAlias)):
                ctx.enter(statement)
            elif isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                for name, url in _assigned_urls(statement):
                    self._assigned[name] = None if name in self._assigned else url
                ctx.leave(statement)
            elif isinstance(statement, cst.FunctionDef):
                if not any(ctx.resolves_to(d.decorator, OVERLOAD_DECORATORS) for d in statement.decorators):
                    self.definitions.append(self.function(statement))  # an `@overload` stub is no definition
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

    def _rewritten(self, body: Sequence[cst.BaseStatement], field: str) -> bool:
        """Whether a method of the class may replace the field's default (read in the class's scope)."""
        for statement in body:
            if not isinstance(statement, cst.FunctionDef):
                continue
            if statement.name.value in REWRITING_METHODS:
                return True
            for decorator in statement.decorators:
                call = decorator.decorator
                func = call.func if isinstance(call, cst.Call) else call
                args = call.args if isinstance(call, cst.Call) else ()
                named = {arg.value.evaluated_value for arg in args if isinstance(arg.value, cst.SimpleString)}
                if field in named or "*" in named or self.ctx.qualified_name(func) in MODEL_VALIDATORS:
                    return True
        return False

    def urls(self) -> tuple[tuple[str, str], ...]:
        constants = [(name, url) for name, url in self._assigned.items() if url is not None]
        return tuple([*constants, *self._class_urls])

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
            provider = ctx.declared_provider(param.default) if param.default is not None else None
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
        params = self.signature(node)
        returns, provider = ctx.function_product(node)
        name = node.name.value
        binding = ctx.frames[0].bindings.get(name)
        if binding is not None and binding.kind == "def":
            ctx.frames[0].bindings[name] = replace(binding, returns=returns, depends=provider)
        return Definition(
            self.prefix + name,
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
        bases = [ctx.qualified_name(class_base(arg.value)) for arg in node.bases if arg.keyword is None]
        bases += self.decorators(node.decorators)
        ctx.enter(node)
        frame = ctx.frame
        params: tuple[Param, ...] = ()
        methods: list[str] = []
        try:
            body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
            for statement in body:
                if isinstance(statement, cst.FunctionDef):
                    methods.append(statement.name.value)
                    if statement.name.value == "__init__":
                        params = self.signature(statement, skip_first=True)
                        self._bind_attributes(statement)
                    else:
                        ctx.enter(statement)  # a property binds itself as a member of the class
                        ctx.leave(statement)
                elif isinstance(statement, cst.SimpleStatementLine):
                    for small in statement.body:
                        if isinstance(small, (cst.Assign, cst.AnnAssign)):
                            ctx.leave(small)
            self._class_urls += [
                (f"{node.name.value}.{name}", url)
                for statement in body
                if isinstance(statement, cst.SimpleStatementLine)
                for small in statement.body
                for name, url in _assigned_urls(small)
                if url is not None and not self._rewritten(body, name)
            ]
        finally:
            ctx.leave(node)
        members = tuple(
            Param(name, binding.qualname or None, binding.depends) for name, binding in sorted(frame.attributes.items())
        )
        return Definition(
            self.prefix + node.name.value,
            "class",
            self.layer,
            params=params,
            bases=tuple(b for b in bases if b),
            methods=tuple(methods),
            properties=tuple(sorted(frame.properties)),
            members=members,
        )

    def _bind_attributes(self, init: cst.FunctionDef) -> None:
        """`self.x = ...` in `__init__`, bound as the tracker binds them in a walk of the body."""
        ctx = self.ctx
        ctx.enter(init)
        try:
            todo: list[cst.CSTNode] = [init.body]
            while todo:
                node = todo.pop(0)
                if isinstance(node, (cst.Assign, cst.AnnAssign)):
                    ctx.leave(node)
                elif isinstance(node, (cst.IndentedBlock, cst.SimpleStatementLine)):
                    todo[:0] = node.body
                elif isinstance(node, (cst.If, cst.Try, cst.With)):
                    todo[:0] = [node.body]
        finally:
            ctx.leave(init)


def _assigned_urls(statement: cst.BaseSmallStatement) -> list[tuple[str, str | None]]:
    """The names a statement binds, each with the URL literal it assigns (None: anything else)."""
    targets: list[cst.BaseExpression] = []
    value: cst.BaseExpression | None = None
    if isinstance(statement, cst.Assign):
        targets, value = [t.target for t in statement.targets], statement.value
    elif isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
        targets = [statement.target]
        value = statement.value if isinstance(statement, cst.AnnAssign) else None
    literal = _string_literal(value) if value is not None and len(targets) == 1 else None
    url = literal if literal is not None and "://" in literal else None
    return [(target.value, url) for target in targets if isinstance(target, cst.Name)]


def _string_literal(node: cst.BaseExpression) -> str | None:
    """The text of a plain string literal, implicit concatenations too (read in a loop: they can be
    thousands of pieces deep); None for anything else."""
    pieces: list[cst.BaseExpression] = []
    while isinstance(node, cst.ConcatenatedString):
        pieces.append(node.left)
        node = node.right
    values = [piece.evaluated_value if isinstance(piece, cst.SimpleString) else None for piece in [*pieces, node]]
    return "".join(v for v in values if isinstance(v, str)) if all(isinstance(v, str) for v in values) else None


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
