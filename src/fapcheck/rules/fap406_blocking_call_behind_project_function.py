"""FAP406 blocking-call-behind-project-function."""

from __future__ import annotations

import os
from weakref import WeakKeyDictionary

import libcst as cst

from fapcheck.config import Config
from fapcheck.findings import RelatedLocation
from fapcheck.rules._blocking import ServedCode
from fapcheck.rules._sql import session_kind
from fapcheck.rules.base import Learner, Related, RelatedNode, Report, Rule
from fapcheck.semantic.callgraph import CallGraph, Chain, Step, call_graph
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.function_facts import FunctionFactsCollector, parameters_given
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.places import FunctionPlaces

_PLACES: WeakKeyDictionary[ProjectIndex, FunctionPlaces] = WeakKeyDictionary()


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
    numbers, so a baseline entry survives code moving. Where each step is
    defined and where the last one blocks are listed beside the message: under
    the finding in the default output, as `related` in JSON and as
    `relatedLocations` in SARIF.
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
        # Calls in an `async def` with sessions among their arguments: (kind by argument, on an instance).
        self._session_arguments: dict[int, tuple[dict[int, str], bool]] = {}

    def visitors(self) -> tuple[cst.BatchableCSTVisitor, ...]:
        return (self.collector, self)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.served.everywhere and self.served.here():
            self._served_calls.add(id(node))
        function = self.ctx.function
        if node.args and function is not None and function.is_async:
            # What each argument is, while its names are in scope: a sync or an async session.
            kinds = {id(arg): kind for arg in node.args if (kind := session_kind(self.ctx, arg.value))}
            if kinds:
                receiver = self.ctx.resolve(node.func.value) if isinstance(node.func, cst.Attribute) else None
                self._session_arguments[id(node)] = (kinds, receiver is None or receiver.instance)

    @classmethod
    def learner(cls, ctx: FileContext, config: Config) -> Learner | None:
        """The function facts of a parsed file without async code: the files that call into it need no
        parse of their own to follow their calls."""
        project = ctx.project
        if project is None or ctx.layer == "route":  # route handlers are called by the framework, not by code
            return None
        collector = FunctionFactsCollector(ctx, config)
        return Learner((collector,), lambda: _graph(project, config).seed(ctx.module_name, ctx.path, collector.facts()))

    def leave_Module(self, original_node: cst.Module) -> None:
        project = self.ctx.project
        if project is None:
            return
        graph = _graph(project, self.config)
        # Seeded even without call sites here: files checked later that call into this module need no parse.
        graph.seed(self.ctx.module_name, self.ctx.path, self.collector.facts())
        for call in self.collector.async_calls:
            if not self.served.everywhere and id(call.node) not in self._served_calls:
                continue
            chain = self._with_arguments(graph, call.node, call.callee, graph.chain(call.callee))
            if chain is not None:
                steps = " -> ".join(graph.describe(step) for step in chain.steps)
                related = self._related(graph, _PLACES[project], chain)
                self.report_related(call.node, related, function=call.function, chain=steps, blocking=chain.blocking)

    def _with_arguments(
        self, graph: CallGraph, node: cst.Call | cst.Attribute, callee: str, chain: Chain | None
    ) -> Chain | None:
        """The arguments' types win over the parameters': a function that does session work on a parameter
        blocks when it is given a sync session (`get_by(db)`, `db` unannotated there), and does not when it
        is given an `AsyncSession`, whatever its annotation says."""
        known = self._session_arguments.get(id(node)) if isinstance(node, cst.Call) else None
        facts = graph.function(callee) if known is not None else None
        if facts is None or known is None or not facts.session_params or not isinstance(node, cst.Call):
            return chain
        kinds, on_instance = known
        given = [
            (param, method, kinds[id(arg)])
            for arg, param in parameters_given(facts, node, on_instance)
            if id(arg) in kinds and (method := facts.session_work(param)) is not None
        ]
        if chain is not None:
            own = len(chain.steps) == 1 and chain.blocking.startswith("Session.")
            if own and given and all(kind == "async" for _, _, kind in given):
                return None  # the one blocking step is session work, on the AsyncSession it is given
            return chain
        for _, method, kind in given:
            if kind == "sync":
                return Chain((Step(facts.qualname, facts.path),), f"Session.{method}()")
        return None

    def _related(self, graph: CallGraph, places: FunctionPlaces, chain: Chain) -> tuple[Related, ...]:
        """Where each step is defined, then the blocking call in the last one: all of them or none."""
        related: list[Related] = []
        leaf: Related | None = None
        for step in chain.steps:
            found = self._places_of(graph, places, step, chain.blocking)
            if found is None:
                return ()
            related.append(found[0])
            leaf = found[1]
        return (*related, leaf) if leaf is not None else ()

    def _places_of(
        self, graph: CallGraph, places: FunctionPlaces, step: Step, blocking: str
    ) -> tuple[Related, Related | None] | None:
        """A step's definition and its first blocking call: from this file's own walk, or from its module's."""
        name = graph.short_name(step)
        here = os.path.abspath(step.path) == os.path.abspath(self.ctx.path)
        entry = self.collector.functions.get(step.qualname) if here else None
        if entry is not None:
            call = entry.blocking_node
            return RelatedNode(entry.node.name, name), RelatedNode(call, blocking) if call is not None else None
        facts = graph.function(step.qualname)
        place = places.of(facts) if facts is not None else None
        if place is None:
            return None
        definition = RelatedLocation(step.path, *place.definition, name)
        at = place.blocking
        return definition, RelatedLocation(step.path, *at, blocking) if at is not None else None


def _graph(project: ProjectIndex, config: Config) -> CallGraph:
    """The project's call graph, shared by every file of a run (and every rule that asks)."""
    _PLACES.setdefault(project, FunctionPlaces())
    return call_graph(project, config)
