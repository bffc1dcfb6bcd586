"""FAP603 sync-driver-in-async-engine."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._depends import local_facts, string_prefix
from fapcheck.rules._sql import source_of
from fapcheck.rules.base import Report, Rule
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.symbols import ModuleFacts

CREATE_ASYNC_ENGINE = frozenset(
    {"sqlalchemy.ext.asyncio.create_async_engine", "sqlalchemy.ext.asyncio.engine.create_async_engine"}
)
# The async drivers of each dialect whose default driver is synchronous, for the message.
ASYNC_DRIVERS = {
    "postgresql": "+asyncpg or +psycopg",
    "postgres": "+asyncpg or +psycopg",
    "sqlite": "+aiosqlite",
    "mysql": "+aiomysql or +asyncmy",
    "mariadb": "+aiomysql or +asyncmy",
    "mssql": "+aioodbc",
    "oracle": "+oracledb",
}
# The synchronous drivers named with `+`.
SYNC_DRIVERS = frozenset(
    {
        "psycopg2",
        "psycopg2cffi",
        "pg8000",
        "pysqlite",
        "pysqlcipher",
        "pymysql",
        "mysqldb",
        "mysqlconnector",
        "cymysql",
        "pyodbc",
        "pymssql",
        "cx_oracle",
    }
)


class SyncDriverInAsyncEngine(Rule):
    """Flags `create_async_engine` given a URL of a synchronous driver.

    ## What it does
    Reports `create_async_engine(url)` when `url` is a string literal (or an
    f-string whose literal start holds the scheme) naming a dialect without a
    driver, whose default driver is synchronous (`postgresql://`, `mysql://`,
    `sqlite://`), or a synchronous driver (`+psycopg2`, `+pymysql`,
    `+pysqlite`, `+pyodbc`, ...). The URL may also be held in a module
    constant bound once (`DATABASE_URL = "postgresql://..."`, here or imported)
    or be the literal default of a class attribute (`settings.DATABASE_URL`
    of a `BaseSettings` class), unless a validator or initialiser of that
    class may rewrite it. URLs built at run time are not guessed. The message
    names the async drivers of the URL's own dialect: `+asyncpg` or
    `+psycopg` for PostgreSQL, `+aiosqlite` for SQLite, `+aiomysql` or
    `+asyncmy` for MySQL and MariaDB, `+aioodbc` for SQL Server, `+oracledb`
    for Oracle.

    ## Why is this bad?
    The asyncio extension needs an async driver (`asyncpg`, `psycopg` 3,
    `aiosqlite`, `aiomysql`, `asyncmy`). With a synchronous one SQLAlchemy
    raises `InvalidRequestError: The asyncio extension requires an async driver`
    on first use, often only in production where the URL differs.

    ## Example
    ```python
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine("postgresql://app@db/app")
    ```

    ## Use instead
    ```python
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    ```

    ## Fix safety
    No automatic fix: which async driver to install is the author's choice.
    """

    code = "FAP603"
    message = (
        "create_async_engine given the synchronous driver URL '{scheme}://'{held}: "
        "use an async driver of {dialect} ({drivers})"
    )

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._tree: cst.Module | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._tree = node

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.resolves_to(node.func, CREATE_ASYNC_ENGINE):
            return
        url = next((a.value for a in node.args if a.keyword is None and not a.star), None)
        url = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "url"), url)
        if url is None:
            return
        held = ""
        prefix = string_prefix(url)
        if prefix is None:
            holder = _str_argument(self.ctx, url) or url
            prefix = self._held_url(holder)
            held = f" held in '{source_of(holder)}'"
        if prefix is None or "://" not in prefix:
            return
        scheme = prefix.split("://", 1)[0].strip().lower()
        dialect, _, driver = scheme.partition("+")
        if dialect in ASYNC_DRIVERS and (not driver or driver in SYNC_DRIVERS):
            self.report(url, scheme=scheme, held=held, dialect=dialect, drivers=ASYNC_DRIVERS[dialect])

    def _held_url(self, node: cst.BaseExpression) -> str | None:
        """The URL literal a module constant or a class attribute's default holds, in any project module."""
        ctx = self.ctx
        if isinstance(node, cst.Name):
            binding = ctx.lookup(node.value)
            if binding is None or _bound_in_function(ctx, node.value):
                return None  # unknown, or the function's own name: not a module constant
            if binding.kind == "local":
                facts = self._facts(ctx.module_name)
                return facts.url(node.value) if facts is not None else None
        elif not isinstance(node, cst.Attribute):
            return None
        if isinstance(node, cst.Attribute):  # what `settings.URL` names, not the `str` it holds
            member = ctx.member_name(node)
            return self._url_of(member) if member is not None else None
        resolved = ctx.resolve(node)
        return self._url_of(resolved.qualname) if resolved is not None and not resolved.instance else None

    def _url_of(self, qualname: str, hops: int = 0) -> str | None:
        """`app.core.config.Settings.DATABASE_URL`: the module is the longest prefix the project knows."""
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            facts = self._facts(".".join(parts[:cut]))
            if facts is None:
                continue
            key = ".".join(parts[cut:])
            url = facts.url(key)
            binding = facts.name(key) if url is None and hops < _MAX_HOPS else None
            if binding is not None and binding.kind == "import":  # re-exported from another module
                return self._url_of(binding.qualname, hops + 1)
            return url
        return None

    def _facts(self, module: str) -> ModuleFacts | None:
        if module == self.ctx.module_name and self._tree is not None:
            return local_facts(self.ctx, self._tree)
        return self.ctx.project.facts(module) if self.ctx.project is not None and module else None


_MAX_HOPS = 5


def _bound_in_function(ctx: FileContext, name: str) -> bool:
    innermost = len(ctx.frames) - 1
    return any(
        name in frame.bindings
        for index, frame in enumerate(ctx.frames)
        if index > 0 and (frame.kind != "class" or index == innermost)
    )


def _str_argument(ctx: FileContext, node: cst.BaseExpression) -> cst.BaseExpression | None:
    """`x` of `str(x)`."""
    if isinstance(node, cst.Call) and len(node.args) == 1 and ctx.resolves_to(node.func, frozenset({"builtins.str"})):
        return node.args[0].value
    return None
