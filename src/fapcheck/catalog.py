"""The rule catalogue as plain data.

Kept free of libcst so that configuration checks, `fapcheck rules`, and the
cache can run without importing the parser. Each rule module declares its
class for the code listed here; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

ROUTE = "route"
SERVICE = "service"
REPOSITORY = "repository"
SCHEMA = "schema"
MODEL = "model"
DEPENDENCY = "dependency"
UNMAPPED = "unmapped"

LAYERS: tuple[str, ...] = (ROUTE, SERVICE, REPOSITORY, SCHEMA, MODEL, DEPENDENCY)
ALL_LAYERS: frozenset[str] = frozenset((*LAYERS, UNMAPPED))

FAMILIES: dict[str, str] = {
    "0": "meta",
    "1": "layers",
    "2": "sql-in-routes",
    "3": "http-in-lower-layers",
    "4": "blocking-in-async",
    "5": "depends",
    "6": "async-session",
}


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: str
    name: str
    summary: str
    module: str
    layers: frozenset[str] = ALL_LAYERS
    fixable: bool = False

    @property
    def family(self) -> str:
        return FAMILIES[self.code[3]]


_ROUTE_CODE = frozenset({ROUTE, UNMAPPED})  # unmapped: route handlers found by decorator
_LOWER = frozenset({SERVICE, REPOSITORY})

CATALOG: tuple[RuleSpec, ...] = (
    RuleSpec("FAP001", "syntax-error", "A file that cannot be read or parsed", "fap001_syntax_error"),
    RuleSpec("FAP002", "unused-noqa", "A `# noqa: FAP...` that suppresses nothing", "fap002_unused_noqa", fixable=True),
    RuleSpec(
        "FAP101",
        "route-imports-repository",
        "A route module imports a repository module, skipping the service layer",
        "fap101_route_imports_repository",
        frozenset({ROUTE}),
    ),
    RuleSpec(
        "FAP102",
        "import-points-up-the-stack",
        "An import from a lower layer to a higher one",
        "fap102_import_points_up_the_stack",
        frozenset({REPOSITORY, SERVICE, SCHEMA, MODEL}),
    ),
    RuleSpec(
        "FAP103",
        "web-framework-imported-below-routes",
        "A service or repository imports fastapi or starlette",
        "fap103_web_framework_imported_below_routes",
        _LOWER,
    ),
    RuleSpec(
        "FAP501",
        "service-built-in-route",
        "A route handler builds a service or repository instead of receiving it through Depends",
        "fap501_service_built_in_route",
        _ROUTE_CODE,
    ),
    RuleSpec(
        "FAP502",
        "own-session-opened",
        "A route or service opens its own database session instead of receiving one",
        "fap502_own_session_opened",
        frozenset({ROUTE, SERVICE, UNMAPPED}),
    ),
    RuleSpec(
        "FAP503",
        "injectable-parameter-without-depends",
        "A route or dependency parameter typed as a service, repository or session without Depends",
        "fap503_injectable_parameter_without_depends",
    ),
    RuleSpec(
        "FAP504",
        "dependency-called-in-depends",
        "`Depends(get_db())`: a dependency called instead of passed",
        "fap504_dependency_called_in_depends",
    ),
    RuleSpec(
        "FAP505",
        "provider-uses-module-level-resource",
        "A dependency provider builds its product from a module-level session, engine or client",
        "fap505_provider_uses_module_level_resource",
    ),
    RuleSpec(
        "FAP601",
        "async-sessionmaker-expires-on-commit",
        "An async session factory without `expire_on_commit=False`",
        "fap601_async_sessionmaker_expires_on_commit",
    ),
    RuleSpec(
        "FAP602",
        "async-session-call-not-awaited",
        "An AsyncSession coroutine method called without `await`",
        "fap602_async_session_call_not_awaited",
    ),
    RuleSpec(
        "FAP603",
        "sync-driver-in-async-engine",
        "`create_async_engine` given a synchronous driver URL",
        "fap603_sync_driver_in_async_engine",
    ),
)

BY_CODE: dict[str, RuleSpec] = {spec.code: spec for spec in CATALOG}
