"""FAP505 provider-uses-module-level-resource."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._depends import (
    ChainRule,
    short,
)
from fapcheck.rules._sql import source_of
from fapcheck.semantic.kinds import CLIENT_TYPES, ENGINE_TYPES, SESSION_FACTORY_TYPES, SESSION_TYPES


class ProviderUsesModuleLevelResource(ChainRule):
    """Flags a dependency provider that builds its product from a module-level session, engine or client.

    ## What it does
    Inside a dependency provider (a function used in `Depends(...)` in the same
    file, one that takes `Depends` parameters itself, or a public top-level
    function of the dependency layer), reports a module-level database session
    used at all, and a module-level engine or client (`httpx`, `aiohttp`,
    `redis`, `boto3`, ...) passed to the constructor of the product, also when
    that object is imported from another module. A product built on a call of
    a module-level session factory (`UserRepository(SessionLocal())`) is
    reported too: the session it opens is never closed. Building the session itself
    from the engine (`Session(engine)`, `sessionmaker(bind=engine)`) is what
    the root provider is for and is not reported.

    ## Why is this bad?
    A session created at import time is shared by every request and every
    thread: one request's rollback or commit is another's, and its connection
    is never returned. An engine or client wired in at module level cannot be
    replaced in tests with `app.dependency_overrides`. Take them as `Depends`
    parameters so the chain stays overridable and request-scoped.

    ## Example
    ```python
    # app/api/deps.py
    from sqlalchemy.orm import Session

    from app.repositories.users import UserRepository

    session = Session()


    def get_user_repository() -> UserRepository:
        return UserRepository(session)
    ```

    ## Use instead
    ```python
    # app/api/deps.py
    from collections.abc import Iterator
    from typing import Annotated

    from fastapi import Depends
    from sqlalchemy.orm import Session

    from app.repositories.users import UserRepository


    def get_session() -> Iterator[Session]:
        with Session() as session:
            yield session


    def get_user_repository(session: Annotated[Session, Depends(get_session)]) -> UserRepository:
        return UserRepository(session)
    ```

    ## Fix safety
    No automatic fix: add a `Depends` parameter for the resource.
    """

    code = "FAP505"
    message = "provider '{function}' {problem}: take it as a Depends parameter"
    dependency_layer_provides = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.note_function(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.note_call(node)
        if self.ctx.function is None:
            return
        callee = self.ctx.resolve(node.func)
        builds_session = callee is not None and callee.qualname in SESSION_TYPES | SESSION_FACTORY_TYPES
        for arg in node.args:
            kind = self._module_resource(arg.value)
            if kind is not None and (kind == "session" or not builds_session):
                self._defer(arg.value, f"uses the module-level {kind} '{source_of(arg.value)}'")
            factory = None if builds_session else self._module_session_factory(arg.value)
            if factory is not None:
                self._defer(arg.value, f"builds its product on '{factory}()', a session that nothing closes")

    def visit_Return(self, node: cst.Return) -> None:
        self._returned(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        super().visit_Yield(node)
        if isinstance(node.value, cst.BaseExpression):
            self._returned(node.value)

    def _returned(self, value: cst.BaseExpression | None) -> None:
        if value is not None and self.ctx.function is not None and self._module_resource(value) == "session":
            self._defer(value, f"uses the module-level session '{source_of(value)}'")

    def _defer(self, node: cst.BaseExpression, problem: str) -> None:
        function = self.ctx.function
        self.defer(node, function=function.qualname if function else "", problem=problem)

    def _module_session_factory(self, node: cst.BaseExpression) -> str | None:
        """`SessionLocal` of `Repo(SessionLocal())`: a call of a module-level session factory, this module's
        or another's (`db.SessionLocal()`), opens a session that nothing closes."""
        if not isinstance(node, cst.Call):
            return None
        func = node.func
        if isinstance(func, cst.Name):
            binding = self.ctx.lookup(func.value)
            module_level = binding is not None and binding is self.ctx.frames[0].bindings.get(func.value)
            found = binding.qualname if module_level and binding is not None and binding.kind == "instance" else None
        elif isinstance(func, cst.Attribute):
            module = self.ctx.resolve(func.value)
            resolved = self.ctx.resolve(func) if module is not None and not module.instance else None
            found = resolved.qualname if resolved is not None and resolved.instance else None
        else:
            return None
        return source_of(func) if found in SESSION_FACTORY_TYPES else None

    def _module_resource(self, node: cst.BaseExpression) -> str | None:
        if not isinstance(node, cst.Name):
            return None
        binding = self.ctx.lookup(node.value)
        if binding is None or binding is not self.ctx.frames[0].bindings.get(node.value) or binding.kind != "instance":
            return None
        if binding.qualname in SESSION_TYPES:
            return "session"
        if binding.qualname in ENGINE_TYPES:
            return "engine"
        if binding.qualname in CLIENT_TYPES:
            return f"{short(binding.qualname)} client"
        return None
