"""FAP504 dependency-called-in-depends."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._depends import ChainRule, definition, short
from fapcheck.rules.base import NodeFix
from fapcheck.semantic.tables import DEPENDS_FUNCTIONS


class DependencyCalledInDepends(ChainRule):
    """Flags `Depends(get_db())`: a dependency called instead of passed.

    ## What it does
    Reports `Depends(f(...))` (or `Security(f(...))`) where `f` is itself a
    dependency: a generator (`get_db` that yields a session), a function whose
    parameters use `Depends`, or a class whose `__init__` takes `Depends`
    parameters and that defines no `__call__`. `f` is resolved through imports
    across the project; when it cannot be found nothing is reported. A factory
    that returns the dependency (`Depends(get_current_user(required=True))`,
    `Depends(RoleChecker(["admin"]))` with a `__call__`) is the intended use and
    is not reported.

    ## Why is this bad?
    `Depends` wants the callable. `Depends(get_db())` passes a generator
    object (or whatever the call returned): FastAPI fails when it inspects it,
    or calls the wrong thing on every request, and the dependency's own
    `Depends` parameters are never resolved.

    ## Example
    ```python
    # app/api/deps.py
    from collections.abc import Iterator


    def get_db() -> Iterator[object]:
        yield object()

    # app/api/routes/items.py
    from fastapi import APIRouter, Depends

    from app.api.deps import get_db

    router = APIRouter()


    @router.get("/items")
    def list_items(db=Depends(get_db())):
        return []
    ```

    ## Use instead
    ```python
    # app/api/deps.py
    from collections.abc import Iterator


    def get_db() -> Iterator[object]:
        yield object()

    # app/api/routes/items.py
    from fastapi import APIRouter, Depends

    from app.api.deps import get_db

    router = APIRouter()


    @router.get("/items")
    def list_items(db=Depends(get_db)):
        return []
    ```

    ## Fix safety
    Safe: `--fix` drops the call's empty parentheses, `Depends(get_db())`
    becomes `Depends(get_db)`. A call with arguments is not fixed: the
    arguments would be lost.
    """

    code = "FAP504"
    message = "Depends({name}()) calls the dependency '{name}' ({why}): pass it uncalled, Depends({name})"

    def visit_Call(self, node: cst.Call) -> None:
        if not node.args or not self.ctx.resolves_to(node.func, DEPENDS_FUNCTIONS):
            return
        inner = node.args[0].value
        if not isinstance(inner, cst.Call):
            return
        resolved = self.ctx.resolve(inner.func)
        if resolved is None or resolved.instance:
            return
        found = definition(self.ctx, self.tree, resolved.qualname)
        if found is None:
            return
        why = None
        if found.kind == "function" and found.is_generator:
            why = "a generator"
        elif found.kind == "function" and found.uses_depends:
            why = "its parameters use Depends"
        elif found.kind == "class" and found.uses_depends and "__call__" not in found.methods:
            why = "a class whose __init__ uses Depends"
        if why is not None:
            fix = NodeFix("Pass the dependency uncalled", inner, inner.func) if not inner.args else None
            self.report(inner, fix, name=short(found.qualname), why=why)
