"""The audited tables and helpers of the SQL rules (FAP201-FAP203).

Every name here is a qualified name, matched after resolution through the
file's imports, so `select` from the standard library's `select` module or a
project function called `text` never matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst

from fapcheck.catalog import ROUTE
from fapcheck.config import Config
from fapcheck.rules.base import Report, Rule
from fapcheck.semantic.calls import _provided_session
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.kinds import ASYNC_SESSION_TYPES, SESSION_FACTORY_TYPES, SESSION_TYPES, SYNC_SESSION_TYPES


def _qualify(modules: Iterable[str], names: Iterable[str]) -> frozenset[str]:
    names = tuple(names)
    return frozenset(f"{module}.{name}" for module in modules for name in names)


_CORE_MODULES = (
    "sqlalchemy",
    "sqlalchemy.sql",
    "sqlalchemy.sql.expression",
    "sqlalchemy.future",
    "sqlmodel",
    "sqlmodel.sql.expression",
)
TEXT_CONSTRUCTS: frozenset[str] = _qualify(_CORE_MODULES, ("text",)) | frozenset({"sqlalchemy.sql.elements.text"})

# SQLAlchemy and SQLModel statement constructors, and the dialect `insert` used for upserts.
SQL_CONSTRUCTS: frozenset[str] = (
    _qualify(
        _CORE_MODULES,
        (
            "select",
            "insert",
            "update",
            "delete",
            "text",
            "union",
            "union_all",
            "intersect",
            "intersect_all",
            "except_",
            "except_all",
            "exists",
            "values",
        ),
    )
    | _qualify(("sqlalchemy.sql.dml",), ("insert", "update", "delete"))
    | _qualify(("sqlalchemy.sql.selectable",), ("select", "exists", "union", "union_all"))
    | _qualify(
        (f"sqlalchemy.dialects.{dialect}" for dialect in ("postgresql", "sqlite", "mysql")),
        ("insert",),
    )
    | TEXT_CONSTRUCTS
)

# A session, or a value of a session factory's type seen as a receiver of session methods: its product
# (the tracker types `SessionLocal()` like `SessionLocal`, and a factory has none of these methods).
SESSIONS = SESSION_TYPES | SESSION_FACTORY_TYPES

# Methods that run a statement given as their first argument (SQLAlchemy, DB-API, asyncpg, databases).
EXECUTE_METHODS = frozenset(
    {
        "execute",
        "executemany",
        "executescript",
        "exec_driver_sql",
        "exec",
        "scalar",
        "scalars",
        "fetch",
        "fetchrow",
        "fetchval",
        "fetch_all",
        "fetch_one",
        "fetch_val",
        "iterate",
        "read_sql",
        "read_sql_query",
    }
)
STATEMENT_KEYWORDS = frozenset({"query", "sql", "statement", "stmt", "operation"})

_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*", re.S)
_SQL_START = re.compile(
    r"(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|REPLACE|UPSERT|CREATE|DROP|ALTER|TRUNCATE|EXPLAIN|VALUES)\b", re.I
)
# What must follow a keyword written in lower or mixed case (matched from the keyword's end),
# so that "Select a report" is not SQL.
_OBJECTS = r"\b(?:TABLE|INDEX|VIEW|SCHEMA|SEQUENCE|TYPE|FUNCTION|EXTENSION|DATABASE)\b"
_COMPANION: Mapping[str, re.Pattern[str]] = {
    keyword: re.compile(pattern, re.I | re.S)
    for keyword, pattern in {
        "SELECT": r"\s*(?:\*|\d|\w+\s*\()|.*?\bFROM\b",
        "INSERT": r".*?\bINTO\b",
        "UPDATE": r".*?\bSET\b",
        "DELETE": r".*?\bFROM\b",
        "WITH": r".*?\bAS\s*\(",
        "MERGE": r".*?\bINTO\b",
        "REPLACE": r".*?\bINTO\b",
        "CREATE": r".*?" + _OBJECTS,
        "DROP": r".*?" + _OBJECTS,
        "ALTER": r".*?" + _OBJECTS,
        "TRUNCATE": r"\s+\w",
        "EXPLAIN": r".*?\b(?:SELECT|INSERT|UPDATE|DELETE|ANALYZE)\b",
        "VALUES": r"\s*\(",
    }.items()
}


def looks_like_sql(text: str) -> bool:
    """A statement keyword first (after whitespace, comments, parentheses), written as SQL is written."""
    noise = _LEADING_NOISE.match(text)
    start = _SQL_START.match(text, noise.end() if noise else 0)
    if start is None:
        return False
    keyword = start.group(1)
    if keyword.isupper():
        return True
    companion = _COMPANION.get(keyword.upper())
    return companion is not None and companion.match(text, start.end()) is not None


def string_head(node: cst.BaseExpression) -> str | None:
    """The literal text a string expression starts with (None for anything else)."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except (SyntaxError, ValueError):  # escapes the native parser accepts but Python rejects
            return None
        return value if isinstance(value, str) else value.decode("latin-1")
    if isinstance(node, cst.ConcatenatedString):
        return string_head(node.left)
    if isinstance(node, (cst.FormattedString, cst.TemplatedString)):
        return _leading_text(node.parts)
    return None


def _leading_text(parts: Sequence[cst.CSTNode]) -> str:
    head = ""
    for part in parts:
        if not isinstance(part, (cst.FormattedStringText, cst.TemplatedStringText)):
            break
        head += part.value
    return head


def is_sql_string(node: cst.BaseExpression) -> bool:
    head = string_head(node)
    return head is not None and looks_like_sql(head)


def construct_name(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


def is_session(ctx: FileContext, node: cst.BaseExpression) -> bool:
    """A database session: typed as one, made by a session factory, or given by a session provider."""
    type_name = ctx.instance_type(node)
    if type_name in SESSIONS:
        return True
    if isinstance(node, cst.Name):
        binding = ctx.lookup(node.value)
        if binding is not None and binding.depends:
            provided = provided_type(ctx, binding.depends)
            if provided is not None:
                return provided in SESSIONS
            # the provider is not known (yet): an untyped `db=Depends(get_db)` counts by its names (SPEC)
            return _provided_session(ctx, node) is not None
    return False


def session_kind(ctx: FileContext, node: cst.BaseExpression) -> str | None:
    """'sync' or 'async' for a session whose type is known (typed, made, or from a typed provider)."""
    type_name = ctx.instance_type(node)
    if type_name is None and isinstance(node, cst.Name):
        binding = ctx.lookup(node.value)
        if binding is not None and binding.depends:
            type_name = provided_type(ctx, binding.depends)
    if type_name in SYNC_SESSION_TYPES:
        return "sync"
    if type_name in ASYNC_SESSION_TYPES:
        return "async"
    return None


def provided_type(ctx: FileContext, provider: str) -> str | None:
    """What a provider function returns or yields, from this file or the project index."""
    binding = ctx.binding_of(provider)
    return binding.returns if binding is not None and binding.kind == "def" else None


def source_of(node: cst.CSTNode) -> str:
    """The node's code as written, for messages."""
    return _EMPTY_MODULE.code_for_node(node)


_EMPTY_MODULE = cst.Module(body=())


def place(ctx: FileContext, layer: str) -> str:
    """`route 'read_order'` (a handler), `route module function 'to_item'` (a helper beside the handlers),
    `service 'checkout'` or `route module`, for messages."""
    function = ctx.function
    if function is None:
        return f"{layer} module"
    if layer == ROUTE and ctx.route_handler is None:
        return f"route module function '{function.qualname}'"
    return f"{layer} '{function.qualname}'"


class ExecutedSqlRule(Rule):
    """Finds SQL string literals run by an execute-like call, directly or through a local name."""

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        # keyed by the scope's node, which lives as long as the traversal (frames do not)
        self._sql_names: dict[tuple[int, str], bool] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._sql_names[(id(self.ctx.frame.node), node.targets[0].target.value)] = is_sql_string(node.value)

    def executed_sql(self, node: cst.Call) -> cst.BaseExpression | None:
        """The SQL string argument of `x.execute("SELECT ...")`, or None."""
        if not isinstance(node.func, cst.Attribute) or node.func.attr.value not in EXECUTE_METHODS:
            return None
        for arg in node.args:
            if arg.star:
                continue
            if arg.keyword is not None and arg.keyword.value not in STATEMENT_KEYWORDS:
                continue
            if is_sql_string(arg.value) or self._is_sql_name(arg.value):
                return arg.value
            if arg.keyword is None:
                return None  # only the first positional argument is the statement
        return None

    def _is_sql_name(self, node: cst.BaseExpression) -> bool:
        if not isinstance(node, cst.Name):
            return False
        for frame in reversed(self.ctx.frames):
            known = self._sql_names.get((id(frame.node), node.value))
            if known is not None:
                return known
            if node.value in frame.bindings:
                return False
        return False
