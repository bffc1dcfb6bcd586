"""FAP501 service-built-in-route."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._depends import ChainRule, layer_class, short


class ServiceBuiltInRoute(ChainRule):
    """Flags a route handler that constructs a service or repository itself.

    ## What it does
    Reports a call, inside the body of a route handler, that constructs a class
    defined in the service or repository layer of the project (found through
    imports, across modules). Models, schemas, enums, exceptions and dataclasses
    that happen to live in those modules are not services. Using a service that
    is a module-level singleton, or a module of plain functions, is fine: only
    constructing one in the handler is reported.

    ## Why is this bad?
    A handler that builds `UserService(UserRepository(session))` hard-wires the
    chain: tests cannot override it with `app.dependency_overrides`, every
    handler repeats the wiring, and the object's lifetime is tied to one call
    by accident. Let FastAPI build it with a provider in `Depends`.

    ## Example
    ```python
    # app/services/users.py
    class UserService:
        def __init__(self, session) -> None:
            self.session = session

        async def list(self):
            return []

    # app/api/routes/users.py
    from fastapi import APIRouter

    from app.services.users import UserService

    router = APIRouter()


    @router.get("/users")
    async def list_users():
        return await UserService(None).list()
    ```

    ## Use instead
    ```python
    # app/services/users.py
    class UserService:
        def __init__(self, session) -> None:
            self.session = session

        async def list(self):
            return []

    # app/api/routes/users.py
    from typing import Annotated

    from fastapi import APIRouter, Depends

    from app.services.users import UserService

    router = APIRouter()


    def get_user_service() -> UserService:
        return UserService(None)


    @router.get("/users")
    async def list_users(service: Annotated[UserService, Depends(get_user_service)]):
        return await service.list()
    ```

    ## Fix safety
    No automatic fix: write a provider and take the object as a `Depends` parameter.
    """

    code = "FAP501"
    message = "route '{function}' builds {layer} '{cls}' itself: receive it through Depends"

    def visit_Call(self, node: cst.Call) -> None:
        handler = self.ctx.route_handler
        if handler is None or self.ctx.in_signature:
            return
        resolved = self.ctx.resolve(node.func)
        if resolved is None or resolved.instance:
            return
        found = layer_class(self.ctx, self.tree, resolved.qualname)
        if found is not None:
            self.report(node, function=handler.qualname, layer=found.layer, cls=short(found.qualname))
