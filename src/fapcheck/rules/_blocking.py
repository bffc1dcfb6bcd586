"""The shared walk of the blocking-call rules (FAP401-FAP405).

Each rule reports the calls of `_calls.blocking_call` that belong to its code
and run on the event loop: in the body of an `async def` (not in a nested
sync `def`, lambda or class body, nor in its decorators, defaults or
annotations, which run when the `def` statement does), not awaited or handed
to asyncio (then the call returns an awaitable and is not a blocking call),
and not in the callable given to `asyncio.to_thread`, `run_in_threadpool`,
`loop.run_in_executor` or `anyio.to_thread.run_sync`, which runs in a worker
thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from fapcheck.config import Config
from fapcheck.engine.context import FileContext
from fapcheck.rules._calls import (
    AWAITABLE_CONSUMERS,
    EXECUTOR_METHODS,
    EXECUTORS,
    BlockingCall,
    UserCalls,
    blocking_call,
    user_calls,
)
from fapcheck.rules.base import NodeFix, Report, Rule


@dataclass(frozen=True, slots=True)
class CallSite:
    blocking: BlockingCall | None
    offloaded: cst.Arg | None  # the argument that runs in a worker thread
    hands_over: bool  # its arguments are awaitables given to asyncio


def call_site(ctx: FileContext, call: cst.Call, user: UserCalls) -> CallSite:
    """What a call in async code means; computed once per call for all the rules."""
    cached = _LAST[0]
    if cached is not None and cached[0] is call and cached[1] is ctx:
        return cached[2]
    site = CallSite(blocking_call(ctx, call, user), _offloaded_argument(ctx, call), _hands_over(ctx, call))
    _LAST[0] = (call, ctx, site)
    return site


# The five rules visit the same call one after another; the nodes are held, so their ids cannot be reused.
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


class BlockingCallRule(Rule):
    """Base of FAP401-FAP405: reports `_calls.blocking_call` results of its own code."""

    message = "{call} blocks the event loop in async def '{function}'; use {alternative}"

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
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

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_async or self.ctx.in_signature or self.ctx.in_annotation:
            return
        site = call_site(self.ctx, node, self._user)
        if site.offloaded is not None:
            self._offloaded.add(id(site.offloaded))
        if site.hands_over:
            self._async_results.update(id(arg.value) for arg in node.args)
        blocking = site.blocking
        if blocking is None or blocking.code != self.code or self._offloaded_depth or id(node) in self._async_results:
            return
        self.report(
            node,
            fix=self.fix_for(node),
            call=blocking.call,
            function=self.ctx.function_name,
            alternative=blocking.alternative,
        )

    def fix_for(self, node: cst.Call) -> NodeFix | None:
        """The rule's fix for a reported call, if it has one."""
        return None
