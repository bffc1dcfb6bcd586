"""The audited tables and helpers of the HTTP rules (FAP301, FAP302)."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from fapcheck.rules._depends import ProviderExempt
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.tables import DEPENDS_FUNCTIONS

HTTP_EXCEPTIONS = frozenset(
    f"{module}.{name}"
    for module in ("fastapi", "fastapi.exceptions", "starlette.exceptions")
    for name in ("HTTPException", "WebSocketException")
)

REQUEST = "request"
RESPONSE = "response"
STATUS = "status"
BACKGROUND = "background"
DEPENDS = "depends"

_RESPONSES = (
    "Response",
    "JSONResponse",
    "HTMLResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "StreamingResponse",
    "FileResponse",
)
HTTP_OBJECTS: Mapping[str, str] = {
    **{
        name: REQUEST
        for name in (
            "fastapi.Request",
            "fastapi.requests.Request",
            "starlette.requests.Request",
            "starlette.requests.HTTPConnection",
            "fastapi.WebSocket",
            "fastapi.websockets.WebSocket",
            "starlette.websockets.WebSocket",
        )
    },
    **{f"{module}.{name}": RESPONSE for module in ("fastapi.responses", "starlette.responses") for name in _RESPONSES},
    "fastapi.Response": RESPONSE,
    "fastapi.responses.ORJSONResponse": RESPONSE,
    "fastapi.responses.UJSONResponse": RESPONSE,
    **{
        name: BACKGROUND
        for name in (
            "fastapi.BackgroundTasks",
            "fastapi.background.BackgroundTasks",
            "starlette.background.BackgroundTasks",
            "starlette.background.BackgroundTask",
        )
    },
    **{name: DEPENDS for name in DEPENDS_FUNCTIONS},
}
STATUS_MODULES = frozenset({"fastapi.status", "starlette.status"})

ADVICE: Mapping[str, str] = {
    REQUEST: "pass the values it needs from the route instead",
    RESPONSE: "return data and build the response in the route",
    STATUS: "raise a domain error or return data and let the route choose the status code",
    BACKGROUND: "schedule background work in the route",
    DEPENDS: "wire dependencies in the route or the dependency layer",
}


# The classes whose project subclasses are HTTP objects of the same kind (`class ORJSONResponse(JSONResponse)`).
_DERIVABLE: Mapping[str, frozenset[str]] = {
    kind: frozenset(name for name, each in HTTP_OBJECTS.items() if each == kind) for kind in (REQUEST, RESPONSE)
}


def derived_http_object_kind(ctx: FileContext, qualname: str) -> str | None:
    """The kind of HTTP object a project class is by derivation (a subclass of a response or request)."""
    if not ctx.is_project_name(qualname):
        return None
    return next((kind for kind, classes in _DERIVABLE.items() if ctx.derives_from(qualname, classes)), None)


def http_object_kind(qualname: str) -> str | None:
    """The kind of HTTP object a resolved qualified name is (None when it is none)."""
    kind = HTTP_OBJECTS.get(qualname)
    if kind is not None:
        return kind
    module, _, name = qualname.rpartition(".")
    if module in STATUS_MODULES and name.startswith(("HTTP_", "WS_")):
        return STATUS
    return None


class HttpExceptionRule(ProviderExempt):
    """Knows the HTTP exception classes and every project class derived from one, in any module.

    A `Depends` provider is dependency code wherever it lives: what it does with HTTP is not reported.
    """

    def is_http_exception(self, node: cst.BaseExpression) -> bool:
        """The class, an instance (`HTTPException(404)`, a module-level alias of one, a variable holding
        one, what a helper returns) or a subclass, of this file or another module."""
        resolved = self.ctx.resolve(node)
        return resolved is not None and self.ctx.derives_from(resolved.qualname, HTTP_EXCEPTIONS)
