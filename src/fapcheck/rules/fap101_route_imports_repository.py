"""FAP101 route-imports-repository."""

from __future__ import annotations

from fapcheck.catalog import REPOSITORY
from fapcheck.rules._layer_imports import ImportRule, layered_module
from fapcheck.semantic.context import ImportedName


class RouteImportsRepository(ImportRule):
    """Flags a route module that imports a repository module.

    ## What it does
    Reports an import in a file of the route layer whose target is a module of
    the project that maps to the repository layer (relative imports included).
    Imports under `if TYPE_CHECKING:` are not reported: they create no
    dependency at run time. A statement is reported once, at its first such
    name, naming every repository module it reaches and why that module maps
    to the repository layer (the pattern that decided it, as `fapcheck
    layers` shows), so a wrong layer is visible in the message itself.

    ## Why is this bad?
    The layered design is `Route -> Service -> Repository`. A route that talks
    to a repository skips the service, so business rules end up in handlers and
    cannot be reused or tested without HTTP.

    ## Example
    ```python
    # app/repositories/users.py
    class UserRepository: ...

    # app/api/routes/users.py
    from app.repositories.users import UserRepository
    ```

    ## Use instead
    ```python
    # app/services/users.py
    class UserService: ...

    # app/api/routes/users.py
    from app.services.users import UserService
    ```

    ## Fix safety
    No automatic fix: move the calls into a service.
    """

    code = "FAP101"
    message = "route module imports {targets}: call it through a service"

    def flagged(self, item: ImportedName) -> str | None:
        location = self.locate(item)
        return layered_module(location) if location is not None and location.layer.layer == REPOSITORY else None
