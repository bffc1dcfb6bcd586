"""FAP202 session-work-in-route."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._sql import is_session, place, source_of
from fapcheck.rules.base import Rule
from fapcheck.semantic.callgraph import call_graph
from fapcheck.semantic.function_facts import parameters_given
from fapcheck.semantic.kinds import SESSION_METHODS


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

    In a route handler it also reports a call of an ORM model's own query
    method handed the route's session (active record: `Order.get_by(db,
    id=1)`, `order.save(db)`), the model's own method or one it inherits from
    a base class in another module, when the method's body calls session
    methods on the parameter the session is passed to (known from the body,
    not from the method's name).

    Not reported: the same method names on other objects (`dict.get`,
    `set.add`), `self.session` in a method that is not a route handler (a
    repository class), the session handed to a service or repository
    function (the layered way), and a model method given the session that
    does no session work with it.

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
        if isinstance(func, cst.Attribute) and self.ctx.route_handler is not None:
            self._active_record(node, func)
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

    def _active_record(self, node: cst.Call, func: cst.Attribute) -> None:
        """`Order.get_by(db, id=1)`, `order.save(db)`: a method of an ORM model, its own or inherited from a
        base class in another module, handed the route's session and doing session work with it (known from
        the method's body: it calls session methods on the parameter the session is passed to)."""
        ctx = self.ctx
        owner = ctx.resolve(func.value)
        if owner is None or ctx.project is None or not ctx.is_project_name(owner.qualname):
            return
        model = ctx.project.definition(owner.qualname)
        if model is None or model.kind != "class" or model.layer != "model":
            return
        facts = call_graph(ctx.project, self.config).function(f"{owner.qualname}.{func.attr.value}")
        if facts is None or not facts.session_params:
            return
        for arg, param in parameters_given(facts, node, owner.instance):
            if facts.session_work(param) is not None and is_session(ctx, arg.value):
                self.report(
                    node,
                    receiver=source_of(func.value),
                    method=func.attr.value,
                    where=place(ctx, "route"),
                    advice="the model's own query method does session work: move it into a repository"
                    " and call it through a service",
                )
                return


_TRANSACTION_METHODS = frozenset({"commit", "rollback", "flush"})
_QUERY_METHODS = frozenset({"execute", "exec", "scalars", "scalar", "stream", "stream_scalars", "query", "get"})


def _advice(method: str) -> str:
    if method in _TRANSACTION_METHODS:
        return "end the unit of work in the service that owns it"
    work = "query" if method in _QUERY_METHODS else "database work"
    return f"move the {work} into a repository and call it through a service"
