"""What a module's own text says about its layer, from CPython's tree: no libcst here.

The path decides first (layers.py); this evidence is read only where the path
says nothing, or where a module plainly is something else than its path says
(route handlers in a `crud.py`). Every check starts with a substring test on
the bytes, so a module that cannot hold the evidence is never parsed.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from fapcheck.catalog import DEPENDENCY, MODEL, ROUTE, ROUTE_DECORATOR_METHODS, SCHEMA

_ROUTE_DECORATOR = re.compile(
    rb"@\s*[\w.]+\.(?:" + b"|".join(m.encode() for m in sorted(ROUTE_DECORATOR_METHODS)) + rb")\s*\("
)
_DEFINITION = re.compile(rb"^(?:async[ \t]+)?(?:def|class)[ \t]", re.MULTILINE)
_DEPENDS_CALLS = frozenset({"Depends", "Security"})
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")

ROUTE_HANDLERS = "route handlers"
PROVIDERS = "Depends providers"
ORM_TABLES = "ORM tables"
PYDANTIC_MODELS = "pydantic models"


@dataclass(frozen=True, slots=True)
class Evidence:
    layer: str
    reason: str


def content_evidence(source: bytes, path_layer: str | None = None) -> Evidence | None:
    """The layer a module's content shows, strongest evidence first: route handlers, a module of
    nothing but `Depends` providers, ORM tables, pydantic models.

    `path_layer` is the layer the path gives (None: the path says nothing). Only route handlers and
    a module of providers may override a path; ORM tables and pydantic models decide only where it
    says nothing. Evidence of the path's own layer is not looked for.
    """
    handlers = path_layer != ROUTE and _ROUTE_DECORATOR.search(source) is not None
    # A route module with handlers is not a module of providers only: the regex alone tells.
    providers = (
        path_layer != DEPENDENCY
        and (b"Depends" in source or b"Security" in source)
        and (path_layer != ROUTE or _ROUTE_DECORATOR.search(source) is None)
    )
    tables = path_layer is None and (b"__tablename__" in source or b"table=True" in source)
    pydantic = path_layer is None and b"BaseModel" in source
    if not (handlers or providers or tables or pydantic):
        return None
    tree = _parse(source)
    if tree is None or _is_migration(tree):
        return None
    if (
        handlers
        and not (b"FastAPI" in source and _builds_application(tree))
        and any(map(is_route_handler, functions(tree.body)))
    ):
        return Evidence(ROUTE, ROUTE_HANDLERS)
    if providers and _only_providers(tree):
        return Evidence(DEPENDENCY, PROVIDERS)
    if tables and any(_is_table(node) for node in tree.body if isinstance(node, ast.ClassDef)):
        return Evidence(MODEL, ORM_TABLES)
    if pydantic and _pydantic_module(tree):
        return Evidence(SCHEMA, PYDANTIC_MODELS)
    return None


def holds_other_code(source: bytes) -> bool:
    """Whether a module defines functions or classes but nothing of route code: no route decorator, router,
    app or `Depends`. A module that only a route word in its file name maps to the route layer
    (`utils/views.py` of helpers, a script called `gen_docs_api.py`) is then no route module; one that only
    imports and re-exports (`views.py` gathering a package's routers) keeps its name's layer."""
    if _DEFINITION.search(source) is None or _ROUTE_DECORATOR.search(source) is not None:
        return False
    return not any(word in source for word in (b"APIRouter", b"FastAPI", b"add_api_route", b"router", b"Depends"))


def _parse(source: bytes) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
            tree = compile(source, "<evidence>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    assert isinstance(tree, ast.Module)
    return tree


def statements(body: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """Statements at every depth (function and class bodies, branches, handlers, match cases)."""
    for node in body:
        yield node
        for name in _BLOCK_FIELDS:
            inner = getattr(node, name, None)
            if inner:
                yield from statements(inner)


def functions(body: Sequence[ast.AST]) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    return (node for node in statements(body) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))


def is_route_decorator(decorator: ast.expr) -> bool:
    """`@<expr>.<route method>(...)`: the shape a handler is recognised by (its receiver is checked later)."""
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_DECORATOR_METHODS
    )


def is_route_handler(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A route decorator given a URL path (`"/items"` or `""`): a Slack `@app.options("action")` is not one."""
    for decorator in node.decorator_list:
        if not is_route_decorator(decorator):
            continue
        assert isinstance(decorator, ast.Call)
        paths = [*decorator.args[:1], *(k.value for k in decorator.keywords if k.arg == "path")]
        if any(isinstance(p, ast.Constant) and isinstance(p.value, str) and p.value[:1] in ("", "/") for p in paths):
            return True
    return False


def _builds_application(tree: ast.Module) -> bool:
    """A `FastAPI(...)` call anywhere: the application module (or its factory), whose start-up code
    and health check do not make it a route module."""
    return any(_called_name(node) == "FastAPI" for node in ast.walk(tree))


def _is_migration(tree: ast.Module) -> bool:
    """An Alembic revision (`down_revision = ...`): its inline tables are a snapshot, not the models."""
    return any(
        isinstance(node, (ast.Assign, ast.AnnAssign))
        and any(isinstance(t, ast.Name) and t.id == "down_revision" for t in _targets(node))
        for node in tree.body
    )


def _called_name(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return None


def _depends_calls(node: ast.AST) -> Iterator[ast.Call]:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and _called_name(inner) in _DEPENDS_CALLS:
            yield inner


def _only_providers(tree: ast.Module) -> bool:
    """The top level declares only `Depends` providers and aliases (imports, docstrings and
    `TYPE_CHECKING` blocks aside), and at least one of them."""
    aliases: set[str] = set()
    provided: set[str] = set()  # names handed to Depends(...) somewhere in the module
    for call in _depends_calls(tree):
        for argument in call.args[:1]:
            if isinstance(argument, ast.Name):
                provided.add(argument.id)
    declared = 0
    for node in _top_level(tree.body):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        assigned = _assignment(node)
        if assigned is not None:
            targets, value = assigned
            if targets == ["__all__"]:
                continue
            if not (any(_depends_calls(value)) or set(targets) & provided):
                return False
            aliases.update(targets)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name not in provided and not _takes_depends(node, aliases):
                return False
        else:
            return False
        declared += 1
    return declared > 0


def _top_level(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Top-level statements, with `if TYPE_CHECKING:` and `try: import` blocks looked into."""
    for node in body:
        if isinstance(node, ast.If) and _names_type_checking(node.test):
            yield from _top_level([*node.body, *node.orelse])
        elif isinstance(node, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body):
            continue
        else:
            yield node


def _names_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _assignment(node: ast.stmt) -> tuple[list[str], ast.expr] | None:
    """(names bound, value) of an assignment or a PEP 695 `type` alias; None for other statements."""
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)], node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return [node.target.id], node.value
    name, value = getattr(node, "name", None), getattr(node, "value", None)
    if type(node).__name__ == "TypeAlias" and isinstance(name, ast.Name) and isinstance(value, ast.expr):
        return [name.id], value  # ast.TypeAlias exists from Python 3.12
    return None


def _takes_depends(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, aliases: set[str]) -> bool:
    """A provider: a parameter defaults to `Depends(...)` or is annotated with a `Depends` alias."""
    if isinstance(node, ast.ClassDef):
        init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
        return init is not None and _takes_depends(init, aliases)
    arguments = node.args
    parts: list[ast.AST] = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
    parts.extend(a.annotation for a in (*arguments.args, *arguments.kwonlyargs) if a.annotation is not None)
    for part in parts:
        if any(_depends_calls(part)):
            return True
        if any(isinstance(n, ast.Name) and n.id in aliases for n in ast.walk(part)):
            return True
    return False


def _is_table(node: ast.ClassDef) -> bool:
    """SQLAlchemy's `__tablename__`, or SQLModel's `table=True`."""
    if any(k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True for k in node.keywords):
        return True
    return any(
        isinstance(s, (ast.Assign, ast.AnnAssign))
        and any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in _targets(s))
        for s in node.body
    )


def _targets(node: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(node.targets) if isinstance(node, ast.Assign) else [node.target]


def _pydantic_module(tree: ast.Module) -> bool:
    """Top-level classes that are all pydantic models (or enums), at least one, and no functions."""
    base_model = _pydantic_base_names(tree)
    if not base_model:
        return False
    models: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {_base_name(b) for b in node.bases}
        if bases & base_model or bases & models:
            models.add(node.name)
        elif not any(name is not None and name.endswith("Enum") for name in bases):
            return False
    return bool(models)


def _pydantic_base_names(tree: ast.Module) -> set[str]:
    """The names `pydantic.BaseModel` goes by in the module."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "pydantic":
            names.update(a.asname or a.name for a in node.names if a.name == "BaseModel")
        elif isinstance(node, ast.Import) and any(a.name == "pydantic" and a.asname is None for a in node.names):
            names.add("pydantic.BaseModel")
    return names


def _base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    if isinstance(node, ast.Subscript):  # Generic[T] and the like
        return _base_name(node.value)
    return None
