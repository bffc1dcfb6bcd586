"""FAP501 service-built-in-route."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._depends import ChainRule, definition, layer_class, short
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.symbols import Definition

CONTEXT_MANAGER_METHODS = frozenset({"__enter__", "__aenter__"})
CONTEXT_MANAGER_BASES = frozenset(
    f"{module}.{name}"
    for module, names in (
        ("contextlib", ("AbstractContextManager", "AbstractAsyncContextManager", "ExitStack", "AsyncExitStack")),
        ("typing", ("ContextManager", "AsyncContextManager")),
        ("typing_extensions", ("ContextManager", "AsyncContextManager")),
    )
    for name in names
)


class ServiceBuiltInRoute(ChainRule):
    """Flags a route handler that constructs a service or repository itself.

    ## What it does
    Reports a call, inside the body of a route handler, that constructs a class
    defined in the service or repository layer of the project (found through
    imports, across modules). Models, schemas, enums, exceptions, warnings and
    dataclasses that happen to live in those modules are not services, nor is
    a context manager: a class built in a `with`/`async with` statement, or one
    with `__enter__`/`__aenter__` (its own or inherited), scopes its own
    lifetime. A call that is raised is an exception. Using a service that
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

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._not_built: set[int] = set()  # calls whose object manages its own lifetime or is raised

    def visit_With(self, node: cst.With) -> None:
        self._not_built.update(id(item.item) for item in node.items)

    def visit_Raise(self, node: cst.Raise) -> None:
        if node.exc is not None:
            self._not_built.add(id(node.exc))

    def visit_Call(self, node: cst.Call) -> None:
        handler = self.ctx.route_handler
        if handler is None or self.ctx.in_signature or id(node) in self._not_built:
            return
        resolved = self.ctx.resolve(node.func)
        if resolved is None or resolved.instance:
            return
        found = layer_class(self.ctx, self.tree, resolved.qualname)
        if found is not None and not self._context_manager(found):
            self.report(node, function=handler.qualname, layer=found.layer, cls=short(found.qualname))

    def _context_manager(self, found: Definition, depth: int = 0) -> bool:
        """A class with `__enter__`/`__aenter__` (its own or a project base's): `with` scopes its lifetime."""
        if CONTEXT_MANAGER_METHODS & set(found.methods) or CONTEXT_MANAGER_BASES & set(found.bases):
            return True
        parents = (definition(self.ctx, self.tree, base) for base in found.bases) if depth < 3 else ()
        return any(p is not None and p.kind == "class" and self._context_manager(p, depth + 1) for p in parents)
