"""FAP503 injectable-parameter-without-depends."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._depends import (
    ChainRule,
    definition,
    injectable_kind,
    local_facts,
    param_declares_provider,
    short,
)
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.providers import used_in_depends


class InjectableParameterWithoutDepends(ChainRule):
    """Flags a route or dependency parameter typed as a service, repository or session without `Depends`.

    ## What it does
    Reports a parameter of a route handler, or of a function or class used as a
    provider, whose type is a database session (`Session`, `AsyncSession`) or a
    class of the service or repository layer, and which declares no provider in
    any spelling: `x: T = Depends(f)`, `x: Annotated[T, Depends(f)]`, a project
    alias of such an `Annotated` type (`SessionDep`), a pre-assigned marker
    (`Provide = Depends(f)`), a project function that returns `Depends(...)`, or
    a call fapcheck cannot resolve in the default or the `Annotated` metadata (a
    marker of a library it does not know counts as provided). Types are resolved
    across the project's modules.

    The finding is reported once, at the provider's own parameter, where the fix
    goes, and not at the routes that use the provider. A function or class is a
    provider when its module names it in `Depends(...)`, when it takes `Depends`
    parameters itself, or when another module of the project names it in
    `Depends(...)`: those modules are found on the disk, so checking only the
    provider's module (as pre-commit does when only it changed) reports the same
    finding, and checking only the route reports nothing about a provider that
    lives elsewhere. The message names a provider of the type when one is near:
    one this module uses or defines, or an `Annotated` alias it imports.

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
    message = "parameter '{param}' of {role} '{function}' is a {kind} ({type}) without Depends: add {remedy}"

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        # (param node, its function's key, the top-level provider another module may name, type, fields)
        self._found: list[tuple[cst.Param, str | None, str | None, str, dict[str, object]]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.note_function(node)
        ctx = self.ctx
        frame = ctx.frame
        is_method = len(ctx.frames) > 2 and ctx.frames[-2].kind == "class"
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        enclosing = self.providers.enclosing()[0]
        for param in params[1:] if is_method else params:
            if param_declares_provider(ctx, param) or param.annotation is None:
                continue
            annotated = ctx.annotation_type(param.annotation.annotation)
            type_name = annotated.qualname if annotated is not None else None
            kind = injectable_kind(ctx, self.tree, type_name)
            if kind is None or type_name is None:
                continue
            fields: dict[str, object] = {
                "param": param.name.value,
                "role": "route" if frame.is_route else "dependency",
                "function": frame.qualname.removesuffix(".__init__"),
                "kind": kind,
                "type": short(type_name),
            }
            key, target = (None, None) if frame.is_route else enclosing
            self._found.append((param, key, target, type_name, fields))

    def visit_Call(self, node: cst.Call) -> None:
        self.note_call(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        for param, key, target, type_name, fields in self._found:
            if key is None or self.is_provider(key) or (target is not None and used_in_depends(self.ctx, target)):
                self.report(param, None, remedy=self._remedy(type_name), **fields)

    def _remedy(self, type_name: str) -> str:
        """`'= Depends(get_db)' or 'Annotated[Session, Depends(get_db)]'`, naming a provider of the type
        when this module knows one, else the generic spelling."""
        provider = self._provider_of(type_name)
        named = short(provider) if provider else "..."
        return f"'= Depends({named})' or 'Annotated[{short(type_name)}, Depends({named})]'"

    def _provider_of(self, type_name: str) -> str | None:
        ctx = self.ctx
        candidates = sorted(self.providers.referenced)
        if self.tree is not None:
            candidates += [d.qualname for d in local_facts(ctx, self.tree).definitions if d.kind == "function"]
        for qualname in candidates:
            found = definition(ctx, self.tree, qualname)
            if found is not None and found.kind == "function" and found.returns == type_name:
                return qualname
        for _, binding in sorted(ctx.frames[0].bindings.items()):
            if binding.kind == "import" and binding.depends and binding.qualname == type_name:
                return binding.depends  # an imported `SessionDep = Annotated[Session, Depends(get_db)]`
        return None
