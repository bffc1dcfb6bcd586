"""FAP402 blocking-sleep-in-async-function."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules._awaiting import AwaitFixes, run_time_import
from fapcheck.rules._blocking import BlockingCallRule
from fapcheck.rules.base import NodeFix


class BlockingSleepInAsyncFunction(BlockingCallRule, AwaitFixes):
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
    the name under which `asyncio` is imported at run time, or adding
    `import asyncio` where isort puts it (after the docstring and the
    `__future__` imports, sorted into the standard-library group; an import
    only under `if TYPE_CHECKING:` does not count), and removing the
    `time` import whose last use it took. It adds parentheses where the call is the
    receiver of an attribute, subscript or call. No fix is offered inside a
    generator expression (an `await` there would turn it into an async
    generator) or where the name `asyncio` means something else.
    """

    code = "FAP402"

    def visit_Call(self, node: cst.Call) -> None:
        self.note_receiver(node)
        super().visit_Call(node)

    def fix_for(self, node: cst.Call) -> NodeFix | None:
        name = run_time_import(self.ctx, "asyncio")
        call = node.with_changes(func=cst.Attribute(cst.Name(name or "asyncio"), cst.Name("sleep")))
        return self.await_fix(node, call, "Use `await asyncio.sleep()`", add_import=None if name else "asyncio")
