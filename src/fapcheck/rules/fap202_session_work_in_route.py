"""FAP202 session-work-in-route."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._sql import SESSION_METHODS, is_session, place, source_of
from fapcheck.rules.base import Rule


class SessionWorkInRoute(Rule):
    """Flags database-session work in route code.

    ## What it does
    Reports, in a file of the route layer or inside a route handler anywhere,
    a call of `execute`, `exec`, `scalars`, `scalar`, `query`, `get`, `add`,
    `add_all`, `delete`, `merge`, `flush`, `commit`, `refresh`, `rollback`
    (and `stream`, `bulk_*`) on a database session. A session is:
    - a name typed `Session` or `AsyncSession` (SQLAlchemy or SQLModel),
      also through `Annotated[...]`, `Optional[...]` and type aliases such as
      `SessionDep = Annotated[AsyncSession, Depends(get_db)]`;
    - a parameter whose `Depends(provider)` names a session provider: a
      function whose return annotation is a session or an iterator, generator
      or context manager of one, or which yields a session;
    - an untyped parameter named like a session (`db`, `session`,
      `db_session`) whose provider is not known in this file (nor yet to the
      project index) but is named like a database provider (`get_db`,
      `get_session`, `get_database`);
    - a session made from a `sessionmaker`/`async_sessionmaker` in the route.

    Not reported: the same method names on other objects (`dict.get`,
    `set.add`), and `self.session` in a method that is not a route handler (a
    repository class).

    ## Why is this bad?
    A route that queries and commits does the repository's job: the data
    access cannot be reused by another endpoint, a worker or a test without
    HTTP, and business rules follow the queries into the handler.

    ## Example
    ```python
    # app/api/routes/orders.py
    from typing import Annotated

    from fastapi import APIRouter, Depends
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db import get_session
    from app.models import Order

    router = APIRouter()
    SessionDep = Annotated[AsyncSession, Depends(get_session)]


    @router.get("/orders/{order_id}")
    async def read_order(order_id: int, session: SessionDep) -> Order | None:
        return await session.get(Order, order_id)
    ```

    ## Use instead
    ```python
    # app/api/routes/orders.py
    from typing import Annotated

    from fastapi import APIRouter, Depends

    from app.models import Order
    from app.services.orders import OrderService, get_order_service

    router = APIRouter()


    @router.get("/orders/{order_id}")
    async def read_order(order_id: int, service: Annotated[OrderService, Depends(get_order_service)]) -> Order | None:
        return await service.get(order_id)
    ```

    ## Fix safety
    No automatic fix: move the query into a repository and call it through a service.
    """

    code = "FAP202"
    message = "{receiver}.{method}() in {where}: {advice}"

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in SESSION_METHODS:
            return
        if not self.ctx.in_route_code:
            return
        receiver = func.value
        if isinstance(receiver, cst.Attribute) and self.ctx.route_handler is None:
            return  # `self.session` of a repository or helper class, not a handler's own session
        if is_session(self.ctx, receiver):
            method = func.attr.value
            self.report(
                node,
                receiver=source_of(receiver),
                method=method,
                where=place(self.ctx, "route"),
                advice=_advice(method),
            )


_TRANSACTION_METHODS = frozenset({"commit", "rollback", "flush"})
_QUERY_METHODS = frozenset({"execute", "exec", "scalars", "scalar", "stream", "stream_scalars", "query", "get"})


def _advice(method: str) -> str:
    if method in _TRANSACTION_METHODS:
        return "end the unit of work in the service that owns it"
    work = "query" if method in _QUERY_METHODS else "database work"
    return f"move the {work} into a repository and call it through a service"
