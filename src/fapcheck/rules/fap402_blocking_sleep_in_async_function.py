"""FAP402 blocking-sleep-in-async-function."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.engine.context import FileContext
from fapcheck.rules._blocking import BlockingCallRule
from fapcheck.rules.base import NodeFix, Report


class BlockingSleepInAsyncFunction(BlockingCallRule):
    """Flags `time.sleep()` in an `async def`.

    ## What it does
    Reports calls of `time.sleep`, through any import form (`import time as t`,
    `from time import sleep as nap`), in the body of an `async def`. A local
    name `sleep` that is not `time.sleep` is not reported, nor is
    `time.monotonic()` or `time.perf_counter()`.

    ## Why is this bad?
    `time.sleep` stops the whole event loop, not just the coroutine: every
    other request of the worker waits as long as the sleep.

    ## Example
    ```python
    # app/services/orders.py
    import time

    async def sync_orders() -> None:
        time.sleep(5)
    ```

    ## Use instead
    ```python
    # app/services/orders.py
    import asyncio

    async def sync_orders() -> None:
        await asyncio.sleep(5)
    ```

    ## Fix safety
    Safe: `--fix` replaces `time.sleep(x)` by `await asyncio.sleep(x)`, using
    the name under which `asyncio` is imported, or adding `import asyncio`
    after the file's imports. It adds parentheses where the call is the
    receiver of an attribute, subscript or call. No fix is offered inside a
    generator expression (an `await` there would turn it into an async
    generator) or where the name `asyncio` means something else.
    """

    code = "FAP402"

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._needs_parentheses: set[int] = set()
        self._generator_depth = 0

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._needs_parentheses.add(id(node.value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._needs_parentheses.add(id(node.value))

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._generator_depth += 1

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._generator_depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        self._needs_parentheses.add(id(node.func))
        super().visit_Call(node)

    def fix_for(self, node: cst.Call) -> NodeFix | None:
        if self._generator_depth:
            return None
        module_frame = self.ctx.frames[0]
        name = next(
            (n for n, b in module_frame.bindings.items() if b.kind == "import" and b.qualname == "asyncio"),
            None,
        )
        call = node.with_changes(func=cst.Attribute(cst.Name(name or "asyncio"), cst.Name("sleep")))
        replacement: cst.BaseExpression = cst.Await(expression=call)
        if id(node) in self._needs_parentheses:
            replacement = replacement.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return NodeFix("Use `await asyncio.sleep()`", node, replacement, add_import=None if name else "asyncio")
