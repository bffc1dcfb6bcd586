"""FAP603 sync-driver-in-async-engine."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._depends import string_prefix
from fapcheck.rules.base import Rule

CREATE_ASYNC_ENGINE = frozenset(
    {"sqlalchemy.ext.asyncio.create_async_engine", "sqlalchemy.ext.asyncio.engine.create_async_engine"}
)
# Dialects whose default driver is synchronous, and the synchronous drivers named with `+`.
DIALECTS = frozenset({"postgresql", "postgres", "mysql", "mariadb", "sqlite", "mssql", "oracle"})
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
    `+pysqlite`, `+pyodbc`, ...). URLs built at run time are not guessed.

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
    message = "create_async_engine given the synchronous driver URL '{scheme}://': use an async driver (+asyncpg, ...)"

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.resolves_to(node.func, CREATE_ASYNC_ENGINE):
            return
        url = next((a.value for a in node.args if a.keyword is None and not a.star), None)
        url = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "url"), url)
        prefix = string_prefix(url) if url is not None else None
        if url is None or prefix is None or "://" not in prefix:
            return
        scheme = prefix.split("://", 1)[0].strip().lower()
        dialect, _, driver = scheme.partition("+")
        if dialect in DIALECTS and (not driver or driver in SYNC_DRIVERS):
            self.report(url, scheme=scheme)
