"""FAP103 web-framework-imported-below-routes."""

from __future__ import annotations

from fapcheck.rules._layer_imports import ImportRule
from fapcheck.semantic.context import ImportedName

WEB_FRAMEWORKS = frozenset({"fastapi", "starlette"})


class WebFrameworkImportedBelowRoutes(ImportRule):
    """Flags a service or repository that imports `fastapi` or `starlette`.

    ## What it does
    Reports any import of the `fastapi` or `starlette` packages (or their
    submodules) in a file of the service or repository layer. Imports under
    `if TYPE_CHECKING:` are not reported. A statement is reported once, at its
    first framework name, naming every name it imports from the framework.

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

    def flagged(self, item: ImportedName) -> str | None:
        return f"'{item.target}'" if item.module.split(".", 1)[0] in WEB_FRAMEWORKS else None
