"""FAP103 web-framework-imported-below-routes."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._depends import ProviderFunctions
from fapcheck.rules._layer_imports import ImportRule
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext, ImportedName

WEB_FRAMEWORKS = frozenset({"fastapi", "starlette"})
# Utilities of the framework that have nothing to do with HTTP: running sync code in a thread pool, turning
# objects into JSON-ready data, reading settings from the environment. `fastapi.background` and
# `starlette.background` are not among them: background tasks run after a response, as part of the request.
NON_HTTP_MODULES = frozenset({"fastapi.concurrency", "fastapi.encoders", "starlette.concurrency", "starlette.config"})


class WebFrameworkImportedBelowRoutes(ImportRule):
    """Flags a service or repository that imports `fastapi` or `starlette`.

    ## What it does
    Reports any import of the `fastapi` or `starlette` packages (or their
    submodules) in a file of the service or repository layer. A statement is
    reported once, at its first framework name, naming every name it imports
    from the framework. Not reported: imports under `if TYPE_CHECKING:`; the
    framework's utilities that are not HTTP (`fastapi.encoders.jsonable_encoder`,
    `run_in_threadpool` of `fastapi.concurrency`/`starlette.concurrency`,
    `starlette.config`; background tasks are part of a request and stay
    reported); and names used only inside `Depends` providers (functions or
    classes named in `Depends(...)` in this module or in another module of the
    project), which are dependency code wherever they live.

    ## Why is this bad?
    Services and repositories hold the business rules and data access. Once
    they import the web framework they start raising `HTTPException`, reading
    `Request` objects and returning responses, and can no longer be reused by a
    worker, a CLI or a test without HTTP.

    ## Example
    ```python
    # app/services/orders.py
    from fastapi import HTTPException
    ```

    ## Use instead
    ```python
    # app/services/orders.py
    from app.errors import OrderNotFound
    ```

    ## Fix safety
    No automatic fix: raise domain errors and translate them in the route.
    """

    code = "FAP103"
    message = "{layer} module imports the web framework ({targets}): keep HTTP concerns in routes"

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self.providers = ProviderFunctions(ctx)
        self._statements: list[list[tuple[ImportedName, str]]] = []
        # The functions around each use of an imported name, by the local name it is bound to.
        self._uses: dict[str, list[tuple[tuple[str, str | None], ...]]] = {}
        self._skip: set[int] = set()  # names that are not uses: attribute names, keywords, parameter names
        # Names in the bases of a top-level class: used by its `__call__` if the class provides.
        self._bases: dict[int, tuple[tuple[str, str | None], ...]] = {}
        self._in_import = 0

    def flagged(self, item: ImportedName) -> str | None:
        if item.module.split(".", 1)[0] not in WEB_FRAMEWORKS:
            return None
        if any(name == m or name.startswith(f"{m}.") for name in (item.module, item.target) for m in NON_HTTP_MODULES):
            return None
        return f"'{item.target}'"

    def _check_statement(self, node: cst.Import | cst.ImportFrom) -> None:
        items = self.flagged_items(node)
        if items:
            self._statements.append(items)
            for item, _ in items:
                local = _local_name(item)
                if local is not None:
                    self._uses.setdefault(local, [])

    def visit_Import(self, node: cst.Import) -> None:
        super().visit_Import(node)
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        self._in_import += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Param(self, node: cst.Param) -> None:
        self.providers.note_param(node)
        self._skip.add(id(node.name))

    def visit_Call(self, node: cst.Call) -> None:
        self.providers.note_call(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if len(self.ctx.frames) <= 2:  # a top-level class (its own frame may be entered already)
            module = self.ctx.module_name
            name = f"{module}.{node.name.value}" if module else node.name.value
            for base in node.bases:
                for inner in _names_in(base.value):
                    self._bases[id(inner)] = ((f"{name}.__call__", name),)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))

    def visit_Name(self, node: cst.Name) -> None:
        uses = self._uses.get(node.value)
        if uses is not None and not self._in_import and id(node) not in self._skip:
            uses.append(self._bases.get(id(node)) or self.providers.enclosing())

    def leave_Module(self, original_node: cst.Module) -> None:
        for items in self._statements:
            self.report_statement([(item, text) for item, text in items if not self._only_in_providers(item)])

    def _only_in_providers(self, item: ImportedName) -> bool:
        """A name used, and used only inside `Depends` providers."""
        local = _local_name(item)
        uses = self._uses.get(local, []) if local is not None else []
        return bool(uses) and all(enclosing and self.providers.any_provider(enclosing) for enclosing in uses)


def _local_name(item: ImportedName) -> str | None:
    """The name an import binds in the module (`a` for `import a.b`); None for a star import."""
    node = item.node
    if not isinstance(node, cst.ImportAlias):
        return None
    if node.asname is not None and isinstance(node.asname.name, cst.Name):
        return node.asname.name.value
    name: cst.BaseExpression = node.name
    while isinstance(name, cst.Attribute):
        name = name.value
    return name.value if isinstance(name, cst.Name) else None


def _names_in(node: cst.BaseExpression) -> list[cst.Name]:
    """The head names of a base expression (`HTTPBearer`, `security` of `security.HTTPBearer`, `Generic[T]`)."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return [node] if isinstance(node, cst.Name) else []
