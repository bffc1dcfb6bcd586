"""FAP404 blocking-process-call-in-async-function."""

from __future__ import annotations

from fapcheck.rules._blocking import BlockingCallRule


class BlockingProcessCallInAsyncFunction(BlockingCallRule):
    """Flags a blocking process call in an `async def`.

    ## What it does
    Reports, in the body of an `async def`, `subprocess.run/call/check_call/
    check_output/Popen/getoutput/getstatusoutput`, the `wait()` and
    `communicate()` methods of a `subprocess.Popen`, `os.system`, `os.popen`,
    `os.wait*`, `os.spawn*` and `os.posix_spawn*`. The async alternatives
    `asyncio.create_subprocess_exec/shell` and `anyio.run_process` are not
    reported.

    ## Why is this bad?
    Starting a process and waiting for it blocks the event loop for as long as
    the process runs: every other request of the worker waits.

    ## Example
    ```python
    # app/services/thumbnails.py
    import subprocess

    async def make_thumbnail(path: str) -> None:
        subprocess.run(["convert", path, "-resize", "128x128", f"{path}.thumb.png"], check=True)
    ```

    ## Use instead
    ```python
    # app/services/thumbnails.py
    import asyncio

    async def make_thumbnail(path: str) -> None:
        process = await asyncio.create_subprocess_exec("convert", path, "-resize", "128x128", f"{path}.thumb.png")
        await process.wait()
    ```

    ## Fix safety
    No automatic fix: the asyncio API differs (`create_subprocess_exec` takes
    the arguments unpacked and returns a process to await).
    """

    code = "FAP404"
