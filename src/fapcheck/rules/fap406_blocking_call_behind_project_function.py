"""FAP406 blocking-call-behind-project-function."""

from __future__ import annotations

from weakref import WeakKeyDictionary

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules._blocking import ServedCode
from fapcheck.rules.base import Report, Rule
from fapcheck.semantic.callgraph import CallGraph
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.function_facts import FunctionFactsCollector
from fapcheck.semantic.index import ProjectIndex

# One call graph per project index, that is per run and configuration.
_GRAPHS: WeakKeyDictionary[ProjectIndex, CallGraph] = WeakKeyDictionary()


class BlockingCallBehindProjectFunction(Rule):
    """Flags an `async def` that calls a synchronous project function that blocks.

    ## What it does
    Follows calls from an `async def` into the project's own synchronous
    functions and methods, across modules: through imports, `self.method()`,
    methods of parameters annotated with project classes
    (`service: OrderService = Depends(...)` then `service.export()`), and
    module functions. When such a function makes a blocking call (the tables
    of FAP401-FAP405), directly or through further synchronous project
    functions, the call in the `async def` is reported with the whole chain:
    each step by name and file (relative to the project root), without line
    numbers, so a baseline entry survives code moving.
    A function handed uncalled to `asyncio.to_thread`, `run_in_threadpool` or
    `loop.run_in_executor` runs in a thread and is not reported; calls that
    cannot be resolved are not guessed; cycles end. CPU-bound leaves (FAP407's
    password hashing and image conversion) are not followed: this rule is about
    blocking I/O. In tests and scripts only route handlers are checked.

    ## Why is this bad?
    The event loop blocks just the same when the blocking call sits two files
    away behind a helper: in real applications this is where blocking calls
    hide (a synchronous S3 wrapper, a sync database engine in a service).

    ## Example
    ```python
    # app/services/export.py
    import requests

    class ExportService:
        def export(self, order_id: int) -> None:
            requests.post("https://erp.example.com/orders", json={"id": order_id})

    # app/api/routes/orders.py
    from app.services.export import ExportService

    async def export_order(order_id: int, service: ExportService) -> None:
        service.export(order_id)
    ```

    ## Use instead
    ```python
    # app/services/export.py
    import requests

    class ExportService:
        def export(self, order_id: int) -> None:
            requests.post("https://erp.example.com/orders", json={"id": order_id})

    # app/api/routes/orders.py
    import asyncio

    from app.services.export import ExportService

    async def export_order(order_id: int, service: ExportService) -> None:
        await asyncio.to_thread(service.export, order_id)
    ```

    ## Fix safety
    No automatic fix: offload the call with `await asyncio.to_thread(...)`
    (or `run_in_threadpool`), or make the chain async.
    """

    code = "FAP406"
    message = (
        "async '{function}' calls a blocking chain: {chain} -> {blocking}; "
        "offload it with 'await asyncio.to_thread(...)' or make the chain async"
    )

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self.collector = FunctionFactsCollector(ctx, config)
        self.served = ServedCode(ctx, config)
        self._served_calls: set[int] = set()  # in a test or script: the calls made in route handlers

    def visitors(self) -> tuple[cst.BatchableCSTVisitor, ...]:
        return (self.collector, self)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.served.everywhere and self.served.here():
            self._served_calls.add(id(node))

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.ctx.project is None:
            return
        graph = _GRAPHS.get(self.ctx.project)
        if graph is None:
            graph = _GRAPHS[self.ctx.project] = CallGraph(self.ctx.project, self.config)
        # Seeded even without call sites here: files checked later that call into this module need no parse.
        graph.seed(self.ctx.module_name, self.ctx.path, self.collector.facts())
        for call in self.collector.async_calls:
            if not self.served.everywhere and id(call.node) not in self._served_calls:
                continue
            chain = graph.chain(call.callee)
            if chain is not None:
                steps = " -> ".join(graph.describe(step) for step in chain.steps)
                self.report(call.node, function=call.function, chain=steps, blocking=chain.blocking)
