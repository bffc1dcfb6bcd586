"""Per-function call facts, gathered in the same walk as the blocking-call rules.

For every function of a module: is it `async`, its first direct blocking call
(FAP401-FAP405 tables, not awaited, not offloaded to a thread), and the project
callables it calls directly. FAP406 follows these facts across modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from fapcheck.config import Config
from fapcheck.semantic.blocking import LoopCallTracker
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.dispatch import Dispatcher
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.kinds import SESSION_METHODS
from fapcheck.semantic.parsing import parse_file
from fapcheck.semantic.symbols import FunctionFacts

CONTEXT_MANAGER_DECORATORS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
MEMOIZING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache", "functools.cached_property"})


@dataclass(slots=True)
class _Open:
    qualname: str
    is_async: bool
    node: cst.FunctionDef
    ordinal: int  # among the module's function definitions, in source order
    blocking: str | None = None
    blocking_node: cst.Call | None = None
    blocking_ordinal: int = -1  # among the module's calls, in source order
    calls: list[str] = field(default_factory=list)
    globals: set[str] = field(default_factory=set)
    memoized: bool = False
    yields: bool = False
    managed: bool = False  # a `@contextmanager` generator: entering it runs the body up to its yield
    session_params: list[str] = field(default_factory=list)  # `param.method` of its first session work per parameter


@dataclass(frozen=True, slots=True)
class ProjectCall:
    """A call of a project callable made on the event loop, in the body of an `async def`."""

    node: cst.Call | cst.Attribute  # a call, or the reading of a property
    callee: str  # its qualified name
    function: str  # the async function's name, as messages give it


class FunctionFactsCollector(LoopCallTracker):
    """Collects FunctionFacts for every `def` of the module, and the project calls of its `async def`s."""

    def __init__(self, ctx: FileContext, config: Config) -> None:
        super().__init__(ctx, config)
        self.async_calls: list[ProjectCall] = []
        self._not_read: set[int] = set()  # attributes that are called or assigned, not read
        self.open: list[_Open] = []
        self.functions: dict[str, _Open] = {}
        self._lambda_depth = 0
        self._once_blocks: set[int] = set()
        self._once_depth = 0
        self._definitions = 0  # seen so far: the next one's ordinal
        self._calls = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.ctx.function
        qualname = f"{self.ctx.module_name}.{frame.qualname}" if frame is not None else node.name.value
        entry = _Open(qualname, node.asynchronous is not None, node, self._definitions)
        self._definitions += 1
        # A memoised function blocks once, on its first call: not on every request.
        entry.memoized = any(self._is_memoizing(d.decorator) for d in node.decorators)
        entry.managed = any(self.ctx.qualified_name(d.decorator) in CONTEXT_MANAGER_DECORATORS for d in node.decorators)
        self.open.append(entry)
        self.functions.setdefault(qualname, entry)

    def _is_memoizing(self, decorator: cst.BaseExpression) -> bool:
        target = decorator.func if isinstance(decorator, cst.Call) else decorator
        return self.ctx.qualified_name(target) in MEMOIZING_DECORATORS

    def visit_Yield(self, node: cst.Yield) -> None:
        if self.open and not self._lambda_depth:
            self.open[-1].yields = True

    def visit_Global(self, node: cst.Global) -> None:
        if self.open:
            self.open[-1].globals.update(item.name.value for item in node.names)

    def visit_If(self, node: cst.If) -> None:
        # `if _cache is None: _cache = load()` on a global: a one-time initialisation, not per call.
        test = node.test
        if (
            self.open
            and isinstance(test, cst.Comparison)
            and isinstance(test.left, cst.Name)
            and test.left.value in self.open[-1].globals
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Is)
            and isinstance(test.comparisons[0].comparator, cst.Name)
            and test.comparisons[0].comparator.value == "None"
        ):
            self._once_blocks.add(id(node.body))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if id(node) in self._once_blocks:
            self._once_depth += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if id(original_node) in self._once_blocks:
            self._once_depth -= 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.open.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._lambda_depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._lambda_depth -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        """Reading a property runs its getter: a call in all but name."""
        ctx = self.ctx
        if id(node) in self._not_read or not self.open or ctx.in_signature or ctx.in_annotation:
            return
        if self._lambda_depth or self._once_depth or self._offloaded_depth:
            return
        own_class = self._method_owner(node.value.value) if isinstance(node.value, cst.Name) else None
        if own_class is None:
            owner = ctx.resolve(node.value)
            if owner is None or not owner.instance:
                return
            own_class = owner.qualname
        getter = ctx.property_getter(own_class, node.attr.value)
        if getter is None:
            return
        current = self.open[-1]
        current.calls.append(getter)
        if current.is_async and ctx.serves_requests:
            self.async_calls.append(ProjectCall(node, getter, ctx.function_name))

    def visit_Assign(self, node: cst.Assign) -> None:
        self._not_read.update(id(target.target) for target in node.targets)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._not_read.add(id(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        self._not_read.add(id(node.func))  # a method called: the call is followed, not a property read
        self._calls += 1
        ctx = self.ctx
        self._note_session_work(node)
        if not self.open or ctx.in_signature or ctx.in_annotation or self._lambda_depth or self._once_depth:
            return
        site = self.site_of(node)
        if site is None:
            return
        current = self.open[-1]
        if site.blocking is not None:
            if current.blocking is None:
                current.blocking = site.blocking.call
                current.blocking_node = node
                current.blocking_ordinal = self._calls - 1
            return
        callee = self.callee(node)
        if callee is not None:
            current.calls.append(callee)
            if current.is_async and ctx.serves_requests:
                self.async_calls.append(ProjectCall(node, callee, ctx.function_name))

    def _note_session_work(self, node: cst.Call) -> None:
        """`db.query(...)` on a parameter of the function: whatever the caller passes there is worked with
        as a session (the argument's type decides, not the parameter's name or annotation)."""
        func = node.func
        if not self.open or not isinstance(func, cst.Attribute) or func.attr.value not in SESSION_METHODS:
            return
        if not isinstance(func.value, cst.Name):
            return
        current = self.open[-1]
        name = func.value.value
        if name in _param_names(current.node) and not any(e.startswith(f"{name}.") for e in current.session_params):
            current.session_params.append(f"{name}.{func.attr.value}")

    def callee(self, node: cst.Call) -> str | None:
        """The qualified name of a called project function or method, when it can be known."""
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            owner = self._method_owner(func.value.value)
            if owner is not None:
                return f"{owner}.{func.attr.value}"
        resolved = self.ctx.resolve(func)
        if resolved is None or resolved.instance or resolved.qualname.startswith("builtins."):
            return None
        return resolved.qualname

    def _method_owner(self, name: str) -> str | None:
        """`self.method()`: the class of the method we are in, when `name` is its first parameter."""
        frames = self.ctx.frames
        function = self.ctx.function
        if function is None or not isinstance(function.node, cst.FunctionDef):
            return None
        params = function.node.params.params
        index = frames.index(function)
        if not params or params[0].name.value != name or index == 0 or frames[index - 1].kind != "class":
            return None
        return f"{self.ctx.module_name}.{frames[index - 1].qualname}"

    def facts(self) -> dict[str, FunctionFacts]:
        return {
            qualname: FunctionFacts(
                qualname,
                entry.is_async,
                self.ctx.path,
                None if _runs_nothing(entry) else entry.blocking,
                () if _runs_nothing(entry) else tuple(dict.fromkeys(entry.calls)),
                entry.ordinal,
                -1 if _runs_nothing(entry) else entry.blocking_ordinal,
                _param_names(entry.node),
                () if entry.yields and not entry.managed else tuple(entry.session_params),
            )
            for qualname, entry in self.functions.items()
        }


def _param_names(node: cst.FunctionDef) -> tuple[str, ...]:
    params = node.params
    return tuple(p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params))


def _runs_nothing(entry: _Open) -> bool:
    """A call that does not run the body on every request: a memoised function blocks once, on its first
    call; calling a generator function only makes the generator (a `@contextmanager` one is entered)."""
    return entry.memoized or (entry.yields and not entry.managed)


def collect_function_facts(path: Path, index: ProjectIndex, config: Config) -> dict[str, FunctionFacts]:
    """Function facts of another project module: one parse, one walk, no positions."""
    module = parse_file(path)
    if module is None:  # the module's own check reports it as FAP001
        return {}
    module_name, is_package = index.module_name_for(path)
    ctx = FileContext(str(path), index.layer_map.layer_for(path).layer, module_name, is_package, index)
    collector = FunctionFactsCollector(ctx, config)
    Dispatcher(ctx, [collector]).run(module)
    return collector.facts()


def parameters_given(facts: FunctionFacts, call: cst.Call, on_instance: bool) -> list[tuple[cst.Arg, str]]:
    """Each argument of a call of the function with the parameter it lands in, where that is known: by
    keyword, or by position before any keyword or star. The first parameter is bound on an instance
    (`order.save(db)`) and for a classmethod (`cls`); an instance method called on its class takes the
    instance first (`Order.save(order, db)`)."""
    first = facts.params[0] if facts.params else ""
    bound = 1 if first == "cls" or (first == "self" and on_instance) else 0
    given: list[tuple[cst.Arg, str]] = []
    positional = True
    for index, arg in enumerate(call.args):
        if arg.keyword is not None:
            given.append((arg, arg.keyword.value))
            positional = False
        elif arg.star:
            positional = False
        elif positional and index + bound < len(facts.params):
            given.append((arg, facts.params[index + bound]))
    return given
