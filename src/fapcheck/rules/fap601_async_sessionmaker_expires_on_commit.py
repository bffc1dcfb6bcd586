"""FAP601 async-sessionmaker-expires-on-commit."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules.base import NodeFix, Rule
from fapcheck.semantic.kinds import ASYNC_SESSION_CLASSES

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
    Unsafe (applied with `--unsafe-fixes`): the fix adds
    `expire_on_commit=False`, and code that relies on objects being
    refreshed after commit must then call `refresh()`. A call that sets
    `expire_on_commit` to something else is left to you.
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
        explicit = any(_keyword(arg) == "expire_on_commit" for arg in node.args)
        fix = None if explicit else NodeFix("Add `expire_on_commit=False`", node, _with_keyword(node), safe=False)
        self.report(node, fix, factory=name.rpartition(".")[2])


def _with_keyword(node: cst.Call) -> cst.Call:
    """The call with `expire_on_commit=False` appended, keeping the layout of its arguments."""
    new = cst.Arg(
        cst.Name("False"),
        keyword=cst.Name("expire_on_commit"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    args = list(node.args)
    if not args:
        return node.with_changes(args=[new])
    last = args[-1]
    if isinstance(last.comma, cst.Comma):  # a trailing comma: the new argument takes over the layout
        between = args[-2].comma if len(args) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args[-1] = last.with_changes(comma=between)
        new = new.with_changes(comma=last.comma)
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return node.with_changes(args=[*args, new])


def _keyword(arg: cst.Arg) -> str | None:
    return arg.keyword.value if arg.keyword is not None else None
