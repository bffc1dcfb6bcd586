"""FAP302 http-object-below-routes."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._http import ADVICE, HttpExceptionRule, derived_http_object_kind, http_object_kind
from fapcheck.rules._layer_imports import enumeration
from fapcheck.rules._sql import place, source_of
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext


class HttpObjectBelowRoutes(HttpExceptionRule):
    """Flags HTTP objects used in a service or repository.

    ## What it does
    Reports, in a file of the service or repository layer, each use of an
    HTTP object of FastAPI or Starlette, resolved through imports and aliases:
    - `Request`, `WebSocket` (and `HTTPConnection`),
    - `Response` and its subclasses (`JSONResponse`, `RedirectResponse`,
      `StreamingResponse`, `FileResponse`...),
    - the status constants `status.HTTP_*` / `status.WS_*`,
    - `BackgroundTasks`,
    - `Depends` and `Security`.

    A use is any mention of the object in code: an annotation
    (`request: Request`, `-> JSONResponse`), a call (`JSONResponse(...)`,
    `Depends(get_repo)`), an attribute (`status.HTTP_404_NOT_FOUND`), a base
    class or an argument (`isinstance(x, Response)`). A parameter is reported
    once, at its name, naming every HTTP object of its annotation and default
    (`request: Request = Depends(get_request)` is one finding). The import itself is
    FAP103's finding, and working with a value of such a type
    (`request.headers`) is not reported again: its annotation was. The
    arguments of an `HTTPException(...)` are left to FAP301, which flags
    the exception; one fix (a domain error) removes both. Route handlers
    (`@router.get(...)` on an `APIRouter()`) are route code wherever their
    file maps, and are not reported.

    ## Why is this bad?
    Services and repositories hold business rules and data access. Once they
    read requests, build responses or choose status codes they can only run
    inside a request, and HTTP decisions are scattered over the business code.

    ## Example
    ```python
    # app/services/orders.py
    from fastapi.responses import JSONResponse


    def order_summary(total: int) -> JSONResponse:
        return JSONResponse({"total": total})
    ```

    ## Use instead
    ```python
    # app/services/orders.py
    def order_summary(total: int) -> dict[str, int]:
        return {"total": total}
    ```

    ## Fix safety
    No automatic fix: return data or raise domain errors, and keep HTTP in the route.
    """

    code = "FAP302"
    message = "{name} used in {where}: {advice}"

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._skip: set[int] = set()  # names that are not uses: attribute names, keywords
        self._quiet: list[cst.Call] = []  # HTTPException(...) calls, left to FAP301
        self._in_import = 0
        self._derived: dict[str, str | None] = {}  # the HTTP object kind of project classes by derivation
        # One finding per parameter: the HTTP objects of its annotation and default, by name, with their kind.
        self._params: list[tuple[cst.Param, dict[str, str]]] = []

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        super().visit_Param(node)
        self._skip.add(id(node.name))
        self._params.append((node, {}))

    def leave_Param(self, original_node: cst.Param) -> None:
        node, uses = self._params.pop()
        if uses:
            where = f"parameter '{node.name.value}' of {place(self.ctx, self.ctx.layer)}"
            advice = "; ".join(dict.fromkeys(ADVICE[kind] for kind in uses.values()))
            self.report(node, name=enumeration(uses), where=where, advice=advice)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip.add(id(node.name))  # the name a class is defined under is no use of it; its bases are

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        if self.is_http_exception(node.func):
            self._quiet.append(node)

    def leave_Call(self, original_node: cst.Call) -> None:
        if self._quiet and self._quiet[-1] is original_node:
            self._quiet.pop()

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._skip:
            self._check(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))
        if id(node) not in self._skip and self._check(node):
            self._skip_inner(node.value)

    def _skip_inner(self, node: cst.BaseExpression) -> None:
        while isinstance(node, cst.Attribute):
            self._skip.add(id(node))
            node = node.value
        self._skip.add(id(node))

    def _check(self, node: cst.Name | cst.Attribute) -> bool:
        if self._in_import or self._quiet or self.ctx.route_handler is not None:
            return False
        resolved = self.ctx.resolve(node)
        if resolved is None or resolved.instance:
            return False
        kind = http_object_kind(resolved.qualname)
        if kind is None:
            if resolved.qualname not in self._derived:  # the same names come back again and again
                self._derived[resolved.qualname] = derived_http_object_kind(self.ctx, resolved.qualname)
            kind = self._derived[resolved.qualname]
        if kind is None:
            return False
        if self._params:
            self._params[-1][1].setdefault(source_of(node), kind)
        else:
            self.report(node, name=source_of(node), where=place(self.ctx, self.ctx.layer), advice=ADVICE[kind])
        return True
