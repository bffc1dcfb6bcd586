"""FAP503 injectable-parameter-without-depends."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._depends import ChainRule, definition, injectable_kind, param_provider, short


class InjectableParameterWithoutDepends(ChainRule):
    """Flags a route or dependency parameter typed as a service, repository or session without `Depends`.

    ## What it does
    Reports a parameter of a route handler, or of a function or class used in
    `Depends(...)` (and, down the chain, of the providers those use), whose
    type is a database session (`Session`, `AsyncSession`) or a class of the
    service or repository layer, and which declares no provider, neither as
    `x: T = Depends(f)` nor as `x: Annotated[T, Depends(f)]` (project aliases of
    `Annotated` types such as `SessionDep` count). Types are resolved across the
    project's modules. A provider defined in another module that nothing in its
    own module marks as a dependency is checked where it is used, at its `Depends(...)`.

    ## Why is this bad?
    FastAPI only injects what is declared with `Depends`. Any other parameter is
    read from the request (query, path or body), so the chain
    `Route -> Service -> Repository -> Session` is broken: the application fails
    at start-up or every request gets a validation error.

    ## Example
    ```python
    # app/services/users.py
    class UserService:
        def __init__(self, session) -> None:
            self.session = session

    # app/api/routes/users.py
    from fastapi import APIRouter

    from app.services.users import UserService

    router = APIRouter()


    @router.get("/users")
    async def list_users(service: UserService):
        return await service.list()
    ```

    ## Use instead
    ```python
    # app/services/users.py
    class UserService:
        def __init__(self, session) -> None:
            self.session = session

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
    No automatic fix: which provider builds the object is the author's choice.
    """

    code = "FAP503"
    message = (
        "parameter '{param}' of {role} '{function}' is a {kind} ({type}) without Depends:"
        " FastAPI would read it from the request"
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.note_function(node)
        ctx = self.ctx
        frame = ctx.frame
        is_method = len(ctx.frames) > 2 and ctx.frames[-2].kind == "class"
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        for param in params[1:] if is_method else params:
            if param_provider(ctx, param) is not None or param.annotation is None:
                continue
            annotated = ctx.annotation_type(param.annotation.annotation)
            type_name = annotated.qualname if annotated is not None else None
            kind = injectable_kind(ctx, self.tree, type_name)
            if kind is None or type_name is None:
                continue
            role = "route" if frame.is_route else "dependency"
            fields = {
                "param": param.name.value,
                "role": role,
                "function": frame.qualname.removesuffix(".__init__"),
                "kind": kind,
            }
            if frame.is_route:
                self.report(param, None, type=short(type_name), **fields)
            else:
                self.defer(param, type=short(type_name), **fields)

    def visit_Call(self, node: cst.Call) -> None:
        provider = self.note_call(node)
        if not provider or provider.rpartition(".")[0] == self.ctx.module_name or self.ctx.project is None:
            return
        # A provider of another module is checked there when that module shows it is one.
        found = definition(self.ctx, self.tree, provider)
        if found is None or found.uses_depends or provider in self.seen:
            return
        self.seen.add(provider)
        for param in found.params:
            kind = injectable_kind(self.ctx, self.tree, param.type) if param.depends is None else None
            if kind is not None and param.type is not None:
                self.report(
                    node,
                    param=param.name,
                    role="dependency",
                    function=provider,
                    kind=kind,
                    type=short(param.type),
                )
