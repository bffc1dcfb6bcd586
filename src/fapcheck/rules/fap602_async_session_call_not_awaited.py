"""FAP602 async-session-call-not-awaited."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._awaiting import AwaitFixes
from fapcheck.rules._depends import ASYNC_SESSION_TYPES
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext

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
    `Annotated` alias. A call handed to another call (`asyncio.gather(...)`,
    `create_task(...)`) or returned is left to the code that awaits it.

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
        self._handled: set[int] = set()  # awaited, returned or handed to another call

    def visit_Await(self, node: cst.Await) -> None:
        self._handled.add(id(node.expression))

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._handled.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        self.note_receiver(node)
        for arg in node.args:
            self._handled.add(id(arg.value))
        func = node.func
        if id(node) in self._handled or not isinstance(func, cst.Attribute):
            return
        if func.attr.value not in COROUTINE_METHODS or self.ctx.frame.kind == "lambda":
            return
        if self.ctx.instance_type(func.value) in ASYNC_SESSION_TYPES:
            fix = self.await_fix(node, node, "Add `await`")
            self.report(node, fix, method=func.attr.value)
