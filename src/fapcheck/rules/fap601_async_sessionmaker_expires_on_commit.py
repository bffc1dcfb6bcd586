"""FAP601 async-sessionmaker-expires-on-commit."""

from __future__ import annotations

import libcst as cst

from fapcheck.engine.context import ASYNC_SESSION_CLASSES
from fapcheck.rules.base import Rule

ASYNC_FACTORIES = frozenset(
    {
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
    }
)
SYNC_FACTORIES = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})


class AsyncSessionmakerExpiresOnCommit(Rule):
    """Flags an async session factory made without `expire_on_commit=False`.

    ## What it does
    Reports `async_sessionmaker(...)`, and `sessionmaker(..., class_=AsyncSession)`,
    that do not pass `expire_on_commit=False`. A call that passes `**options`
    is not reported (the option may be among them).

    ## Why is this bad?
    By default a session expires every loaded object on commit, so the next
    attribute access reloads it from the database. With `AsyncSession` that
    reload is implicit I/O outside an `await`, which raises `MissingGreenlet`
    (typically when the response is serialised after `commit()`). SQLAlchemy's
    asyncio documentation recommends `expire_on_commit=False`.

    ## Example
    ```python
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    SessionLocal = async_sessionmaker(engine)
    ```

    ## Use instead
    ```python
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
    ```

    ## Fix safety
    No automatic fix yet: the fix adds `expire_on_commit=False`. Code that
    relies on objects being refreshed after commit must then call `refresh()`.
    """

    code = "FAP601"
    message = "{factory}(...) without expire_on_commit=False: objects expire on commit and reload outside await"

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.qualified_name(node.func)
        resolved = self.ctx.resolve(node.func)
        if name is None or resolved is None or resolved.instance:
            return
        if name in SYNC_FACTORIES:
            if not any(
                _keyword(a) == "class_" and self.ctx.qualified_name(a.value) in ASYNC_SESSION_CLASSES for a in node.args
            ):
                return
        elif name not in ASYNC_FACTORIES:
            return
        for arg in node.args:
            if arg.star == "**":
                return
            if _keyword(arg) == "expire_on_commit" and isinstance(arg.value, cst.Name) and arg.value.value == "False":
                return
        self.report(node, factory=name.rpartition(".")[2])


def _keyword(arg: cst.Arg) -> str | None:
    return arg.keyword.value if arg.keyword is not None else None
