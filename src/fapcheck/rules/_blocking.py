"""The shared walk of the blocking-call rules (FAP401-FAP405, and FAP407 for CPU-bound work).

Each rule reports the calls of `_calls.blocking_call` that belong to its code
and run on the event loop: in the body of an `async def` (not in a nested
sync `def`, lambda or class body, nor in its decorators, defaults or
annotations, which run when the `def` statement does), not awaited or handed
to asyncio (then the call returns an awaitable and is not a blocking call),
and not in the callable given to `asyncio.to_thread`, `run_in_threadpool`,
`loop.run_in_executor` or `anyio.to_thread.run_sync`, which runs in a worker
thread. Tests and scripts serve no request: outside their route handlers,
nothing is reported there (`ServedCode`).
"""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules.base import NodeFix, Report, Rule
from fapcheck.semantic.blocking import LoopCallTracker
from fapcheck.semantic.calls import BlockingCall
from fapcheck.semantic.context import FileContext


class ServedCode:
    """Whether code serves requests: tests and scripts do not (the preset's `LayerDecision.test_or_script`),
    except their route handlers; `[tool.fapcheck.blocking] check-tests-and-scripts = true` says they all do."""

    def __init__(self, ctx: FileContext, config: Config) -> None:
        self.ctx = ctx
        layer_map = ctx.project.layer_map if ctx.project is not None else config.layer_map()
        self.everywhere = config.check_tests_and_scripts or not layer_map.layer_for(ctx.path).test_or_script

    def here(self) -> bool:
        return self.everywhere or self.ctx.route_handler is not None


class BlockingCallRule(Rule):
    """Base of FAP401-FAP405 and FAP407: reports `calls.blocking_call` results of its own code."""

    message = "{call} blocks the event loop in async def '{function}'; {advice}"

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self.loop = LoopCallTracker(ctx, config)
        self.served = ServedCode(ctx, config)

    def visit_Await(self, node: cst.Await) -> None:
        self.loop.visit_Await(node)

    def visit_Arg(self, node: cst.Arg) -> None:
        self.loop.visit_Arg(node)

    def leave_Arg(self, original_node: cst.Arg) -> None:
        self.loop.leave_Arg(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.serves_requests or self.ctx.in_signature or self.ctx.in_annotation:
            return
        site = self.loop.site_of(node)
        blocking = site.of_code(self.code) if site is not None else None
        if blocking is None or not self.served.here():
            return
        self.report(
            node,
            fix=self.fix_for(node),
            call=blocking.call,
            function=self.ctx.function_name,
            alternative=blocking.alternative,
            advice=self.advice(blocking),
        )

    def advice(self, blocking: BlockingCall) -> str:
        """What to do instead, as the message ends."""
        return f"use {blocking.alternative}"

    def fix_for(self, node: cst.Call) -> NodeFix | None:
        """The rule's fix for a reported call, if it has one."""
        return None
