"""FAP602 async-session-call-not-awaited."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._awaiting import AwaitFixes
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.kinds import ASYNC_SESSION_TYPES

COROUTINE_METHODS = frozenset(
    {
        "execute",
        "commit",
        "flush",
        "refresh",
        "get",
        "scalars",
        "scalar",
        "delete",
        "rollback",
        "close",
        "merge",
        "exec",
        "stream",
        "stream_scalars",
        "run_sync",
        "connection",
        "get_one",
    }
)


class AsyncSessionCallNotAwaited(AwaitFixes):
    """Flags an `AsyncSession` coroutine method called without `await`.

    ## What it does
    Reports a call of a coroutine method of `AsyncSession` (`execute`,
    `commit`, `flush`, `refresh`, `get`, `scalars`, `scalar`, `delete`,
    `rollback`, `close`, and `merge`, `exec`, `stream`, `stream_scalars`,
    `run_sync`, `connection`, `get_one`) that is not awaited. The session is
    known from its type: a parameter or attribute annotated `AsyncSession`
    (`self.session` assigned from an annotated `__init__` parameter included),
    `async with factory() as session` on an async session factory, or an
    `Annotated` alias. Only a call whose coroutine is dropped (a statement
    of its own) or used as if it were the result (`session.execute(q).all()`)
    is reported: a coroutine that is stored, returned, yielded or handed to
    another call (`asyncio.gather(...)`, `create_task(...)`) is left to the
    code that awaits it.

    ## Why is this bad?
    Without `await` the call only creates a coroutine: nothing is executed,
    committed or flushed, Python warns "coroutine was never awaited" at best,
    and the data silently stays unsaved.

    ## Example
    ```python
    from sqlalchemy.ext.asyncio import AsyncSession


    async def save(session: AsyncSession, user: object) -> None:
        session.add(user)
        session.commit()
    ```

    ## Use instead
    ```python
    from sqlalchemy.ext.asyncio import AsyncSession


    async def save(session: AsyncSession, user: object) -> None:
        session.add(user)
        await session.commit()
    ```

    ## Fix safety
    Safe: `--fix` adds `await` (with parentheses where the call is the
    receiver of an attribute, subscript or call). No fix is offered outside
    an `async def`, where `await` is not allowed, nor inside a generator
    expression.
    """

    code = "FAP602"
    message = "AsyncSession.{method}() is not awaited: nothing runs until it is"

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._dropped: set[int] = set()  # the values of expression statements

    def visit_Expr(self, node: cst.Expr) -> None:
        self._dropped.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        self.note_receiver(node)
        func = node.func
        # Only a coroutine that is dropped, or used as if it were its result, is "not awaited": one that is
        # stored, returned, yielded or handed to another call is the business of the code that awaits it.
        if not (id(node) in self._dropped or self.is_receiver(node)) or not isinstance(func, cst.Attribute):
            return
        if func.attr.value not in COROUTINE_METHODS or self.ctx.frame.kind == "lambda":
            return
        if self.ctx.instance_type(func.value) in ASYNC_SESSION_TYPES:
            fix = self.await_fix(node, node, "Add `await`")
            self.report(node, fix, method=func.attr.value)
