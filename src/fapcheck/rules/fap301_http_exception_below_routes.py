"""FAP301 http-exception-below-routes."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._http import HttpExceptionRule
from fapcheck.rules._sql import place, source_of


class HttpExceptionBelowRoutes(HttpExceptionRule):
    """Flags `raise HTTPException(...)` in a service or repository.

    ## What it does
    Reports a `raise` in a file of the service or repository layer whose
    exception is FastAPI's or Starlette's `HTTPException` (or
    `WebSocketException`), resolved through imports and aliases: a call
    `raise HTTPException(404)`, the bare class `raise HTTPException`, a
    project subclass defined in this module or any other (through a project
    base too), an instance bound to a name (`Invalid = HTTPException(401)`
    ... `raise Invalid`, `err = NotFound(); raise err`) and what a helper
    returns (`raise forbidden()`). A bare `raise` that re-raises a caught
    exception is not reported, nor is a raise inside a route handler
    (`@router.get(...)` on an `APIRouter()`), which is route code wherever
    its file maps, or inside a `Depends` provider (a function or class
    something hands to `Depends`, here or in another module, also as an
    instance, `Depends(AuthBearer())`), which is dependency code. The status code and other
    arguments of the flagged exception are part of this finding, not of
    FAP302.

    ## Why is this bad?
    A service or repository that speaks HTTP cannot be used by a worker, a
    CLI or another service without dragging HTTP semantics along, and the
    mapping from failures to status codes is scattered over the business code.
    Raise a domain error (`OrderNotFound`) and translate it in the route or in
    an exception handler.

    ## Example
    ```python
    # app/services/orders.py
    from fastapi import HTTPException, status


    def ensure_found(order: object | None) -> object:
        if order is None:
            raise HTTPException(status_code=status.HTTP_404_NOT_FOUND)
        return order
    ```

    ## Use instead
    ```python
    # app/services/orders.py
    class OrderNotFound(Exception):
        pass


    def ensure_found(order: object | None) -> object:
        if order is None:
            raise OrderNotFound
        return order
    ```

    ## Fix safety
    No automatic fix: define a domain error and map it to a status code in the route.
    """

    code = "FAP301"
    message = "{name} raised in {where}: raise a domain error and translate it in the route"

    def visit_Raise(self, node: cst.Raise) -> None:
        if self.ctx.route_handler is not None:
            return  # a route handler is route code wherever its file maps
        if node.exc is not None and self.is_http_exception(node.exc):
            raised = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
            self.report(node, name=source_of(raised), where=place(self.ctx, self.ctx.layer))
