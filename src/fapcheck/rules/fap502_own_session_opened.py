"""FAP502 own-session-opened."""

from __future__ import annotations

import libcst as cst

from fapcheck.catalog import ROUTE, SERVICE
from fapcheck.rules._depends import ChainRule, allowed_own_session, opened_session


class OwnSessionOpened(ChainRule):
    """Flags a route or service that opens its own database session instead of receiving one.

    ## What it does
    Reports, inside a route handler or a function of the route or service
    layer, a call that opens a session or connection: calling a session factory
    (the product of `sessionmaker(...)`/`async_sessionmaker(...)`, also when it is
    imported from another module), constructing `Session(...)`/`AsyncSession(...)`,
    `factory.begin()`, `engine.connect()`/`engine.begin()`, or calling a project
    function that returns or yields a session (`with session_scope() as s`,
    `next(get_db())`). Not reported: dependency
    providers (a function used in `Depends(...)` in the same file, a top-level
    generator such as `get_db` that yields the session, a `lifespan` context
    manager) and `@app.on_event(...)` handlers, which run outside any request.

    ## Why is this bad?
    The session is the unit of work of a request. A route or service that
    opens its own gets a second transaction beside the one its caller holds,
    cannot be tested with an overridden `get_db`, and leaks connections when it
    forgets to close. Receive the session from a `Depends(get_db)` provider.

    ## Example
    ```python
    # app/db.py
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    SessionLocal = async_sessionmaker(engine, expire_on_commit=False)

    # app/services/users.py
    from app.db import SessionLocal


    class UserService:
        async def count(self) -> int:
            async with SessionLocal() as session:
                return len(await session.scalars("SELECT 1"))
    ```

    ## Use instead
    ```python
    # app/services/users.py
    from sqlalchemy.ext.asyncio import AsyncSession


    class UserService:
        def __init__(self, session: AsyncSession) -> None:
            self.session = session

        async def count(self) -> int:
            return len(await self.session.scalars("SELECT 1"))
    ```

    ## Options
    Some code must open its own session: a streaming response that outlives
    the request, a background task, releasing a session early under load.
    List it in `pyproject.toml`, by path (gitignore-style) or by function name
    (a glob matched against the enclosing functions):
    ```toml
    [tool.fapcheck.depends]
    allow-own-session = ["app/api/routes/stream.py", "export_*"]
    ```

    ## Fix safety
    No automatic fix: take the session as a `Depends` parameter and pass it down.
    """

    code = "FAP502"
    message = "{role} '{function}' opens its own session ({what}): receive it from a Depends provider"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.note_function(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.note_call(node)
        ctx = self.ctx
        function = ctx.function
        if function is None or self.ctx.in_signature:
            return
        handler = ctx.route_handler
        if handler is None and ctx.layer not in (ROUTE, SERVICE):
            return
        if any(_runs_at_startup(frame.node) for frame in ctx.frames):
            return
        what = opened_session(ctx, self.tree, node)
        if what is None or allowed_own_session(ctx, self.config.allow_own_session, self.config.root):
            return
        role = "route" if handler is not None else ("route module function" if ctx.layer == ROUTE else ctx.layer)
        fields = {"role": role, "function": (handler or function).qualname, "what": what}
        if handler is not None:
            self.report(node, None, **fields)
        else:
            self.defer(node, **fields)

    def keep(self, key: str) -> bool:
        """A finding outside a handler stands unless its function is a provider."""
        return not self.is_provider(key) and not self.is_generator(key)


def _runs_at_startup(node: cst.CSTNode | None) -> bool:
    """`@app.on_event("startup")` handlers run once, outside any request."""
    if not isinstance(node, cst.FunctionDef):
        return False
    return any(
        isinstance(d.decorator, cst.Call)
        and isinstance(d.decorator.func, cst.Attribute)
        and d.decorator.func.attr.value == "on_event"
        for d in node.decorators
    )
