"""FAP201 sql-in-route."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._sql import SQL_CONSTRUCTS, ExecutedSqlRule, construct_name, place


class SqlInRoute(ExecutedSqlRule):
    """Flags a SQL construct in route code.

    ## What it does
    Reports, in a file of the route layer or inside a route handler anywhere
    (`@router.get(...)` on an `APIRouter()`/`FastAPI()`), a call of a SQLAlchemy
    or SQLModel statement constructor (`select`, `insert`, `update`, `delete`,
    `text`, `union`, `exists`, the dialect `insert`...), resolved through imports
    and aliases (`import sqlalchemy as sa; sa.select(...)`), and a SQL string
    literal (one that starts with `SELECT`, `INSERT`, `UPDATE`, `DELETE`,
    `WITH`... after whitespace and comments) passed to an execute-like call
    (`execute`, `exec_driver_sql`, `fetch_all`...), directly or through a name
    bound to it.

    Not reported: `select` from the standard library's `select` module, a
    project function called `text`, a method `.select(...)` or `.text(...)` on
    an object that is not SQLAlchemy's (HTML builders have both), and a string
    that merely contains a SQL word.

    ## Why is this bad?
    A route parses the request, calls a service and shapes the response. A
    query written in a handler cannot be reused or tested without HTTP, and the
    data access of the application ends up spread over its endpoints.

    ## Example
    ```python
    # app/api/routes/orders.py
    from fastapi import APIRouter
    from sqlalchemy import select

    from app.models import Order

    router = APIRouter()


    @router.get("/orders")
    async def list_orders() -> list[int]:
        statement = select(Order.id)
        return []
    ```

    ## Use instead
    ```python
    # app/repositories/orders.py
    from sqlalchemy import select

    from app.models import Order


    def list_statement() -> object:
        return select(Order.id)

    # app/api/routes/orders.py
    from fastapi import APIRouter

    from app.services import orders

    router = APIRouter()


    @router.get("/orders")
    async def list_orders() -> list[int]:
        return await orders.list_ids()
    ```

    ## Fix safety
    No automatic fix: move the query into a repository and call it through a service.
    """

    code = "FAP201"
    message = "SQL {what} in {where}: move the query into a repository and call it through a service"

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_route_code:
            return
        resolved = self.ctx.resolve(node.func)
        if resolved is not None and not resolved.instance and resolved.qualname in SQL_CONSTRUCTS:
            self.report(node, what=f"construct {construct_name(resolved.qualname)}()", where=place(self.ctx, "route"))
            return
        if self.executed_sql(node) is not None and isinstance(node.func, cst.Attribute):
            self.report(node, what=f"string executed by .{node.func.attr.value}()", where=place(self.ctx, "route"))
