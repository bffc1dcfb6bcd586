"""FAP502 own-session-opened."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from fapcheck.catalog import REPOSITORY, ROUTE, SERVICE
from fapcheck.config import Config
from fapcheck.rules._depends import (
    ChainRule,
    allowed_own_session,
    opened_session,
)
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.kinds import SESSION_TYPES
from fapcheck.semantic.providers import used_in_depends


class OwnSessionOpened(ChainRule):
    """Flags code that serves a request and opens its own database session instead of receiving one.

    ## What it does
    Reports a call that opens a session or connection: calling a session
    factory (the product of `sessionmaker(...)`/`async_sessionmaker(...)`, also
    when it is imported from another module), constructing
    `Session(...)`/`AsyncSession(...)`, `factory.begin()`,
    `engine.connect()`/`engine.begin()`, or calling a project function that
    returns or yields a session (`with session_scope() as s`, `next(get_db())`),
    when it is made by code that serves a request:
    - a route handler, wherever it lives;
    - a `Depends` provider, wherever it lives (a function or class named in
      `Depends(...)` in its module or in another module of the project, or that
      takes `Depends` parameters itself);
    - a function of the route, service or repository layer, which routes and
      providers call.

    Code that runs outside any request is right to open its own session and is
    not reported: a function that hands the session out (it yields it, returns
    the call, or is annotated to return a session: `get_db`, `session_scope`);
    `@app.on_event(...)` handlers, `lifespan`; functions decorated as jobs,
    tasks or commands (`@celery.task`, `@shared_task`, `@scheduler.scheduled_job`,
    `@repeat_every`, `@cli.command()`...); functions this module hands to
    `add_task`, `add_job`, `create_task`, `run_in_executor` or `Thread(target=...)`;
    and every function but route handlers and providers in modules whose path
    names such work (a directory or file called `scheduler`, `scheduled`,
    `tasks`, `jobs`, `worker(s)`, `cli`, `commands`, `scripts`, `cron`, `celery`,
    `management`, `listeners`, `consumers`). In other modules (models, schemas,
    unmapped files) only route handlers and providers are checked. A provider
    that builds its product on the session it opens (`UserRepository(SessionLocal())`)
    is FAP505's finding, not this one's.

    ## Why is this bad?
    The session is the unit of work of a request. A route or service that
    opens its own gets a second transaction beside the one its caller holds,
    cannot be tested with an overridden `get_db`, and leaks connections when it
    forgets to close. Receive the session from a `Depends(get_db)` provider.

    ## Example
    ```python
    # app/db.py
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine("postgresql+asyncpg://app@db/app")
    SessionLocal = async_sessionmaker(engine, expire_on_commit=False)

    # app/services/users.py
    from app.db import SessionLocal


    class UserService:
        async def count(self) -> int:
            async with SessionLocal() as session:
                return len(await session.scalars("SELECT 1"))
    ```

    ## Use instead
    ```python
    # app/services/users.py
    from sqlalchemy.ext.asyncio import AsyncSession


    class UserService:
        def __init__(self, session: AsyncSession) -> None:
            self.session = session

        async def count(self) -> int:
            return len(await self.session.scalars("SELECT 1"))
    ```

    ## Options
    Some request code must open its own session: a streaming response that
    outlives the request, work handed to a background task from another
    module, releasing a session early under load. List it in
    `pyproject.toml`, by path (gitignore-style) or by function name (a glob
    matched against the enclosing functions); the message names this option:
    ```toml
    [tool.fapcheck.depends]
    allow-own-session = ["app/api/routes/stream.py", "export_*"]
    ```

    ## Fix safety
    No automatic fix: take the session as a `Depends` parameter and pass it down.
    """

    code = "FAP502"
    message = (
        "{role} '{function}' opens its own session ({what}): receive it from a Depends provider,"
        " or list it in [tool.fapcheck.depends] allow-own-session if it must"
    )

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._session_sources: set[str] = set()  # functions annotated to return or yield a session
        self._handed_off: set[str] = set()  # functions given uncalled to a scheduler, a thread or add_task
        self._returned: set[int] = set()  # calls that are the value of a `return`
        self._arguments: set[int] = set()  # calls that are an argument of another call
        # (node, enclosing functions innermost first, fields, the call is an argument of another call)
        self._found: list[tuple[cst.Call, tuple[tuple[str, str | None], ...], dict[str, object], bool]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.note_function(node)
        if node.returns is not None and self.ctx.produced_type(node.returns.annotation) in SESSION_TYPES:
            self._session_sources.add(self.function_key())

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Call):
            self._returned.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        self.note_call(node)
        self._note_hand_off(node)
        self._arguments.update(id(arg.value) for arg in node.args if isinstance(arg.value, cst.Call))
        ctx = self.ctx
        function = ctx.function
        if function is None or ctx.in_signature or id(node) in self._returned:
            return
        handler = ctx.route_handler
        if any(_runs_outside_requests(ctx, frame.node) for frame in ctx.frames):
            return
        what = opened_session(ctx, self.tree, node)
        if what is None or allowed_own_session(ctx, self.config.allow_own_session, self.config.root):
            return
        fields: dict[str, object] = {"function": (handler or function).qualname, "what": what}
        if handler is not None:
            self.report(node, None, role="route", **fields)
        else:
            self._found.append((node, self.providers.enclosing(), fields, id(node) in self._arguments))

    def _note_hand_off(self, node: cst.Call) -> None:
        """`tasks.add_task(sync_users)`, `scheduler.add_job(cleanup)`, `Thread(target=export)`."""
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        handed = [a.value for a in node.args if a.keyword is None][:2] if name in _HAND_OFFS else []
        handed += [a.value for a in node.args if a.keyword is not None and a.keyword.value == "target"]
        for value in handed:
            resolved = self.ctx.resolve(value.func if isinstance(value, cst.Call) else value)
            if resolved is not None and not resolved.instance:
                self._handed_off.add(resolved.qualname)

    def leave_Module(self, original_node: cst.Module) -> None:
        ctx = self.ctx
        for node, enclosing, fields, as_argument in self._found:
            keys = [key for key, _ in enclosing]
            if any(key in self._session_sources or self.yields(key) or key in self._handed_off for key in keys):
                continue  # hands the session out, or runs outside the request it was scheduled from
            in_layer = ctx.layer in (ROUTE, SERVICE, REPOSITORY) and not _names_outside_requests(ctx.path)
            named = self.providers.is_local_provider(keys[0]) or any(
                target is not None and used_in_depends(ctx, target) for _, target in enclosing
            )
            if named:
                if not as_argument:  # a product built on the session is FAP505's finding
                    self.report(node, None, role="dependency", **fields)
            elif in_layer:
                self.report(node, None, role="route module function" if ctx.layer == ROUTE else ctx.layer, **fields)


# Calls whose first arguments are functions run later, outside the request that schedules them.
_HAND_OFFS = frozenset(
    {"add_task", "add_job", "create_task", "run_in_executor", "start_soon", "submit", "add_event_handler"}
)
# Decorators (their last name) of functions that run outside any request: start-up, jobs, tasks, commands.
_OUTSIDE_REQUEST_DECORATORS = frozenset(
    {
        "on_event",
        "task",
        "shared_task",
        "periodic_task",
        "scheduled_job",
        "repeat_every",
        "cron",
        "job",
        "actor",
        "command",
        "callback",
    }
)
# Path parts (directories, or file names without `.py`) of modules that hold such work.
_OUTSIDE_REQUEST_PATHS = frozenset(
    {
        "scheduler",
        "schedulers",
        "scheduled",
        "tasks",
        "jobs",
        "worker",
        "workers",
        "cli",
        "commands",
        "scripts",
        "cron",
        "celery",
        "management",
        "listeners",
        "consumers",
    }
)


def _runs_outside_requests(ctx: FileContext, node: cst.CSTNode | None) -> bool:
    """`lifespan`, `@app.on_event("startup")`, `@celery.task`, `@cli.command()`: run outside any request."""
    if not isinstance(node, cst.FunctionDef):
        return False
    if node.name.value == "lifespan":
        return True
    for decorator in node.decorators:
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        name = ctx.qualified_name(target) or ""
        if name.rpartition(".")[2] in _OUTSIDE_REQUEST_DECORATORS:
            return True
    return False


def _names_outside_requests(path: str) -> bool:
    parts = Path(path).parts
    return any(part in _OUTSIDE_REQUEST_PATHS for part in (*parts[:-1], Path(path).stem))
