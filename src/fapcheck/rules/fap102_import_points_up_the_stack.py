"""FAP102 import-points-up-the-stack."""

from __future__ import annotations

from collections.abc import Mapping

from fapcheck.catalog import UPWARD_IMPORTS
from fapcheck.rules._layer_imports import ImportRule, layered_module
from fapcheck.semantic.context import ImportedName

# For each layer, the layers above it that it must not import (shared with the rule's pre-check).
FORBIDDEN: Mapping[str, frozenset[str]] = UPWARD_IMPORTS


class ImportPointsUpTheStack(ImportRule):
    """Flags an import from a lower layer to a higher one.

    ## What it does
    Reports an import whose target module belongs to a layer above the
    importing one: a repository importing a service or route, a service
    importing a route, a schema or model importing a service, repository or
    route. Imports under `if TYPE_CHECKING:` are not reported. A statement is
    reported once, at its first such name, naming every module it reaches
    above the importing layer and why that module has its layer (the pattern
    that decided it, as `fapcheck layers` shows).

    ## Why is this bad?
    Dependencies must point down `Route -> Service -> Repository -> Database`.
    An upward import creates a cycle in the design: the lower layer can no
    longer be used or tested without the upper one, and import cycles follow.

    ## Example
    ```python
    # app/services/pricing.py
    def apply_discount(amount: float) -> float: ...

    # app/repositories/orders.py
    from app.services.pricing import apply_discount
    ```

    ## Use instead
    ```python
    # app/repositories/orders.py
    class OrderRepository: ...

    # app/services/orders.py
    from app.repositories.orders import OrderRepository
    ```

    ## Fix safety
    No automatic fix: move the shared code down, or invert the call.
    """

    code = "FAP102"
    message = "{layer} module imports {targets}: imports must point down the stack"

    def flagged(self, item: ImportedName) -> str | None:
        forbidden = FORBIDDEN.get(self.ctx.layer, frozenset())
        location = self.locate(item) if forbidden else None
        return layered_module(location) if location is not None and location.layer.layer in forbidden else None
