"""The audited tables and helpers of the HTTP rules (FAP301, FAP302)."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._depends import ProviderExempt
from fapcheck.rules.base import Report
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
    """Knows the HTTP exception classes, including subclasses defined earlier in the file.

    A `Depends` provider is dependency code wherever it lives: what it does with HTTP is not reported.
    """

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._exception_classes: set[str] = set(HTTP_EXCEPTIONS)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if any(self.is_http_exception(base.value) for base in node.bases if base.keyword is None):
            outer = self.ctx.frames[-2] if len(self.ctx.frames) > 1 else self.ctx.frame
            binding = outer.bindings.get(node.name.value)
            if binding is not None:
                self._exception_classes.add(binding.qualname)

    def is_http_exception(self, node: cst.BaseExpression) -> bool:
        """The class, an instance (`HTTPException(404)`, a module-level alias of one) or a subclass."""
        resolved = self.ctx.resolve(node)
        return resolved is not None and resolved.qualname in self._exception_classes
