"""FAP402 blocking-sleep-in-async-function."""

from __future__ import annotations

from fapcheck.rules._blocking import BlockingCallRule


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
    No automatic fix yet; the fix is `await asyncio.sleep(...)` with `asyncio` imported.
    """

    code = "FAP402"
