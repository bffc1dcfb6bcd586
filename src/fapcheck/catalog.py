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

# The methods of FastAPI/APIRouter whose decorators make a function a route handler.
ROUTE_DECORATOR_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket", "route"}
)

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
class Trigger:
    """A cheap pre-check: the rule can fire only in a file that meets one of these conditions.

    The engine tests them before parsing and does not parse a file in which
    no selected rule can fire. A trigger must never be narrower than the rule:
    when in doubt, leave it out (`RuleSpec.trigger = None` means every file of
    the rule's layers is parsed).
    """

    words: tuple[str, ...] = ()  # any of these substrings occurs in the source text
    # The file defines a function decorated like a route handler: `@<expr>.<route method>(...)`.
    route_decorators: bool = False
    imports: tuple[str, ...] = ()  # the file imports one of these modules or a submodule of it
    # The file imports a project module of one of the given layers: (layer of the file or "*", layers).
    imports_layers: tuple[tuple[str, frozenset[str]], ...] = ()
    always_in: frozenset[str] = frozenset()  # layers where the rule runs on every file, without a pre-check

    @property
    def needs_tree(self) -> bool:
        """Whether some condition is decided on the syntax tree (CPython's, ten times cheaper than libcst's)."""
        return bool(self.imports or self.imports_layers or self.route_decorators)

    def watched_layers(self, layer: str) -> frozenset[str]:
        """The layers of imported project modules that can make the rule fire in a file of `layer`."""
        return frozenset(w for of, watched in self.imports_layers if of in ("*", layer) for w in watched)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    code: str
    name: str
    summary: str
    module: str
    layers: frozenset[str] = ALL_LAYERS
    fixable: bool = False
    trigger: Trigger | None = None
    # Off by default: selected only by its own code or `ALL`, never by a prefix such as the default `FAP`.
    default: bool = True
    # Learns about the project from the files it does not check (the rule class's `learner`).
    learns: bool = False

    @property
    def family(self) -> str:
        return FAMILIES[self.code[3]]


# For each layer, the layers above it that it must not import (FAP102).
UPWARD_IMPORTS: dict[str, frozenset[str]] = {
    REPOSITORY: frozenset({SERVICE, ROUTE}),
    SERVICE: frozenset({ROUTE}),
    SCHEMA: frozenset({SERVICE, REPOSITORY, ROUTE}),
    MODEL: frozenset({SERVICE, REPOSITORY, ROUTE}),
}

# The blocking-call rules fire only inside `async def`: no `async` in the text, nothing to find.
_IN_ASYNC = Trigger(words=("async",))
# Route code is a route-layer file, or a handler recognised by its decorator anywhere else.
_IN_ROUTE_CODE = Trigger(route_decorators=True, always_in=frozenset({ROUTE}))

# Route handlers and Depends providers: a route decorator, a Depends/Security call, or a dependency-layer file.
_NEAR_DEPENDS = Trigger(words=("Depends", "Security"), route_decorators=True, always_in=frozenset({ROUTE, DEPENDENCY}))

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
        trigger=Trigger(imports_layers=(("*", frozenset({REPOSITORY})),)),
    ),
    RuleSpec(
        "FAP102",
        "import-points-up-the-stack",
        "An import from a lower layer to a higher one",
        "fap102_import_points_up_the_stack",
        frozenset({REPOSITORY, SERVICE, SCHEMA, MODEL}),
        trigger=Trigger(imports_layers=tuple(UPWARD_IMPORTS.items())),
    ),
    RuleSpec(
        "FAP103",
        "web-framework-imported-below-routes",
        "A service or repository imports fastapi or starlette",
        "fap103_web_framework_imported_below_routes",
        _LOWER,
        trigger=Trigger(imports=("fastapi", "starlette")),
    ),
    RuleSpec(
        "FAP201",
        "sql-in-route",
        "A SQL construct or an executed SQL string in route code",
        "fap201_sql_in_route",
        _ROUTE_CODE,
        trigger=_IN_ROUTE_CODE,
    ),
    RuleSpec(
        "FAP202",
        "session-work-in-route",
        "Database-session work (execute, query, add, commit...) in route code",
        "fap202_session_work_in_route",
        _ROUTE_CODE,
        trigger=_IN_ROUTE_CODE,
    ),
    RuleSpec(
        "FAP203",
        "raw-sql-in-service",
        "Raw SQL (`text(...)`, an executed SQL string) in a service",
        "fap203_raw_sql_in_service",
        frozenset({SERVICE}),
        # `text(...)`, or a statement run by a method named in rules/_sql.py's EXECUTE_METHODS.
        trigger=Trigger(words=("text", "exec", "scalar", "fetch", "iterate")),
    ),
    RuleSpec(
        "FAP301",
        "http-exception-below-routes",
        "`raise HTTPException` in a service or repository",
        "fap301_http_exception_below_routes",
        _LOWER,
        trigger=Trigger(words=("raise",)),
    ),
    RuleSpec(
        "FAP302",
        "http-object-below-routes",
        "Request, responses, status codes, BackgroundTasks or Depends used in a service or repository",
        "fap302_http_object_below_routes",
        _LOWER,  # no trigger: names imported from project modules resolve through the index
    ),
    # The blocking-call rules are layer-independent: the event loop is blocked wherever the call is.
    RuleSpec(
        "FAP401",
        "blocking-network-call-in-async-function",
        "A blocking network call (requests, httpx.Client, urllib, boto3, redis, smtplib, socket) in `async def`",
        "fap401_blocking_network_call_in_async_function",
        trigger=_IN_ASYNC,
    ),
    RuleSpec(
        "FAP402",
        "blocking-sleep-in-async-function",
        "`time.sleep` in `async def`",
        "fap402_blocking_sleep_in_async_function",
        fixable=True,
        trigger=_IN_ASYNC,
    ),
    RuleSpec(
        "FAP403",
        "blocking-file-io-in-async-function",
        "Blocking file I/O (`open`, `Path.read_text`, `shutil`) in `async def`",
        "fap403_blocking_file_io_in_async_function",
        trigger=_IN_ASYNC,
    ),
    RuleSpec(
        "FAP404",
        "blocking-process-call-in-async-function",
        "A blocking process call (`subprocess`, `os.system`, `os.wait`) in `async def`",
        "fap404_blocking_process_call_in_async_function",
        trigger=_IN_ASYNC,
    ),
    RuleSpec(
        "FAP405",
        "sync-database-call-in-async-function",
        "A synchronous database driver or SQLAlchemy `Session` used in `async def`",
        "fap405_sync_database_call_in_async_function",
        trigger=_IN_ASYNC,
    ),
    RuleSpec(
        "FAP406",
        "blocking-call-behind-project-function",
        "An `async def` calls a synchronous project function that blocks",
        "fap406_blocking_call_behind_project_function",
        trigger=_IN_ASYNC,
        learns=True,
    ),
    RuleSpec(
        "FAP407",
        "cpu-bound-call-in-async-function",
        "CPU-bound work (password hashing, image conversion) in `async def`; not selected by default",
        "fap407_cpu_bound_call_in_async_function",
        trigger=_IN_ASYNC,
        default=False,
    ),
    RuleSpec(
        "FAP501",
        "service-built-in-route",
        "A route handler builds a service or repository instead of receiving it through Depends",
        "fap501_service_built_in_route",
        _ROUTE_CODE,
        trigger=_IN_ROUTE_CODE,
    ),
    RuleSpec(
        "FAP502",
        "own-session-opened",
        "Code that serves a request opens its own database session instead of receiving one",
        "fap502_own_session_opened",
        # Outside the route, service and repository layers only route handlers and providers are checked.
        trigger=Trigger(
            words=("Depends", "Security"),
            route_decorators=True,
            always_in=frozenset({ROUTE, SERVICE, REPOSITORY, DEPENDENCY}),
        ),
    ),
    RuleSpec(
        "FAP503",
        "injectable-parameter-without-depends",
        "A route or dependency parameter typed as a service, repository or session without Depends",
        "fap503_injectable_parameter_without_depends",
        # A provider used by another module is reported in its own module, which need not mention Depends.
        trigger=Trigger(
            words=("Depends", "Security", "Session"),
            route_decorators=True,
            always_in=frozenset({ROUTE, DEPENDENCY, SERVICE, REPOSITORY}),
        ),
    ),
    RuleSpec(
        "FAP504",
        "dependency-called-in-depends",
        "`Depends(get_db())`: a dependency called instead of passed",
        "fap504_dependency_called_in_depends",
        trigger=Trigger(words=("Depends", "Security")),
        fixable=True,
    ),
    RuleSpec(
        "FAP505",
        "provider-uses-module-level-resource",
        "A dependency provider builds its product from a module-level session, engine or client",
        "fap505_provider_uses_module_level_resource",
        trigger=_NEAR_DEPENDS,
    ),
    RuleSpec(
        "FAP601",
        "async-sessionmaker-expires-on-commit",
        "An async session factory without `expire_on_commit=False`",
        "fap601_async_sessionmaker_expires_on_commit",
        trigger=Trigger(words=("sessionmaker",)),
        fixable=True,
    ),
    RuleSpec(
        "FAP602",
        "async-session-call-not-awaited",
        "An AsyncSession coroutine method called without `await`",
        "fap602_async_session_call_not_awaited",
        trigger=Trigger(words=("async", "Session", "session")),
        fixable=True,
    ),
    RuleSpec(
        "FAP603",
        "sync-driver-in-async-engine",
        "`create_async_engine` given a synchronous driver URL",
        "fap603_sync_driver_in_async_engine",
        trigger=Trigger(words=("create_async_engine",)),
    ),
)

BY_CODE: dict[str, RuleSpec] = {spec.code: spec for spec in CATALOG}
