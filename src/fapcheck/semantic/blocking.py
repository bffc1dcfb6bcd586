"""Which calls of a walk block the event loop's thread, and which run elsewhere.

A call blocks when `calls.blocking_call` says so and it is not awaited or
handed to asyncio (then it returns an awaitable and is not a blocking call),
nor inside the callable given to `asyncio.to_thread`, `run_in_threadpool`,
`loop.run_in_executor` or `anyio.to_thread.run_sync`, which runs in a worker
thread. The blocking-call rules and the function facts of FAP406 share this
tracker, so both agree on what a blocking call is.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fapcheck.config import Config
from fapcheck.semantic.calls import (
    AWAITABLE_CONSUMERS,
    CPU_BOUND,
    EXECUTOR_METHODS,
    EXECUTORS,
    BlockingCall,
    UserCalls,
    blocking_call,
    user_calls,
)
from fapcheck.semantic.context import FileContext


@dataclass(frozen=True, slots=True)
class CallSite:
    blocking: BlockingCall | None  # blocking I/O (FAP401-FAP405), what FAP406 follows
    offloaded: cst.Arg | None  # the argument that runs in a worker thread
    hands_over: bool  # its arguments are awaitables given to asyncio
    cpu_bound: BlockingCall | None = None  # FAP407: slow, but not I/O; FAP406 does not follow it

    def of_code(self, code: str) -> BlockingCall | None:
        found = self.cpu_bound if code == CPU_BOUND else self.blocking
        return found if found is not None and found.code == code else None


def call_site(ctx: FileContext, call: cst.Call, user: UserCalls) -> CallSite:
    """What a call in async code means; computed once per call for all the visitors."""
    cached = _LAST[0]
    if cached is not None and cached[0] is call and cached[1] is ctx:
        return cached[2]
    found = blocking_call(ctx, call, user)
    cpu_bound = found is not None and found.code == CPU_BOUND
    site = CallSite(
        None if cpu_bound else found,
        _offloaded_argument(ctx, call),
        _hands_over(ctx, call),
        found if cpu_bound else None,
    )
    _LAST[0] = (call, ctx, site)
    return site


# The visitors see the same call one after another; the nodes are held, so their ids cannot be reused.
_LAST: list[tuple[cst.Call, FileContext, CallSite] | None] = [None]


def _offloaded_argument(ctx: FileContext, call: cst.Call) -> cst.Arg | None:
    func = call.func
    index: int | None = None
    if isinstance(func, cst.Attribute) and func.attr.value in EXECUTOR_METHODS:
        index = EXECUTOR_METHODS[func.attr.value]
    else:
        qualname = ctx.qualified_name(func)
        if qualname is not None:
            index = EXECUTORS.get(qualname)
    positional = [arg for arg in call.args if arg.keyword is None and arg.star == ""]
    return positional[index] if index is not None and index < len(positional) else None


def _hands_over(ctx: FileContext, call: cst.Call) -> bool:
    return ctx.resolves_to(call.func, AWAITABLE_CONSUMERS)


class LoopCallTracker(cst.BatchableCSTVisitor):
    """A visitor base that knows, at each call, whether the call runs on the event loop's thread.

    Subclasses call `site_of(node)` from their `visit_Call`: it returns the call's site, or None when the
    call's result is awaited or handed to asyncio, or the call sits in a callable run in a worker thread.
    """

    def __init__(self, ctx: FileContext, config: Config) -> None:
        super().__init__()
        self.ctx = ctx
        self._user = user_calls(config.extend_calls, config.allow_calls)
        self._async_results: set[int] = set()  # calls awaited or handed to asyncio
        self._offloaded: set[int] = set()  # arguments that run in a worker thread
        self._offloaded_depth = 0

    def visit_Await(self, node: cst.Await) -> None:
        self._async_results.add(id(node.expression))

    def visit_Arg(self, node: cst.Arg) -> None:
        if id(node) in self._offloaded:
            self._offloaded_depth += 1

    def leave_Arg(self, original_node: cst.Arg) -> None:
        if id(original_node) in self._offloaded:
            self._offloaded_depth -= 1

    def site_of(self, node: cst.Call) -> CallSite | None:
        site = call_site(self.ctx, node, self._user)
        if site.offloaded is not None:
            self._offloaded.add(id(site.offloaded))
        if site.hands_over:
            self._async_results.update(id(arg.value) for arg in node.args)
        if self._offloaded_depth or id(node) in self._async_results:
            return None
        return site
