"""FAP403 blocking-file-io-in-async-function."""

from __future__ import annotations

from fapcheck.rules._blocking import BlockingCallRule


class BlockingFileIoInAsyncFunction(BlockingCallRule):
    """Flags blocking file I/O in an `async def`.

    ## What it does
    Reports, in the body of an `async def`, the builtin `open`, `io.open`,
    `codecs.open`, the methods `open/read_text/read_bytes/write_text/write_bytes`
    of a `pathlib.Path` (also `Path(__file__).parent / "x"`),
    `shutil.copy*`, `move`, `rmtree`, `make_archive`, `unpack_archive`,
    `os.listdir/scandir/walk/remove/unlink/rename/replace/makedirs/mkdir/rmdir`,
    `tempfile.NamedTemporaryFile/TemporaryFile/TemporaryDirectory/mkstemp/mkdtemp`,
    and, when given a file path (a string, a `Path`, `os.path.join(...)`),
    `zipfile.ZipFile(...)`, `PIL.Image.open(...)` and a Pillow image's
    `save(...)`; a `ZipFile`'s `extract`, `extractall` and `write`.

    Deliberately not reported: `os.path.*`, `os.stat` and `Path.exists()`-style
    stat calls, which are cheap (ruff's ASYNC240 is commonly switched off as
    noise; add them with `extend-calls` if you want them); `shutil.which`,
    `disk_usage`, `copymode`, `copystat`, `chown` (metadata as well);
    `os.fdopen` (it wraps a descriptor an earlier call opened);
    `tempfile.SpooledTemporaryFile`, `gettempdir` and `mktemp` (memory, a probe
    cached after the first call, a name); methods of a file object already
    opened (the `open` is reported); `Image.open(io.BytesIO(...))`,
    `img.save(buffer)` and `ZipFile(io.BytesIO(...))`, which work in memory,
    and calls given an argument of unknown type; a local name or parameter
    called `open`; a class's own `open` method; and the async alternatives
    `aiofiles.open`, `aiofiles.os`, `anyio.open_file`, `anyio.Path`.

    ## Why is this bad?
    Disk I/O blocks the thread that does it. On the event loop, a slow or
    network-mounted disk stalls every request of the worker.

    ## Example
    ```python
    # app/api/routes/reports.py
    from pathlib import Path
    from fastapi import APIRouter

    router = APIRouter()
    REPORTS = Path("/var/reports")

    @router.get("/reports/{name}")
    async def report(name: str) -> str:
        return (REPORTS / name).read_text()
    ```

    ## Use instead
    ```python
    # app/api/routes/reports.py
    import anyio
    from fastapi import APIRouter

    router = APIRouter()
    REPORTS = anyio.Path("/var/reports")

    @router.get("/reports/{name}")
    async def report(name: str) -> str:
        return await (REPORTS / name).read_text()
    ```

    ## Fix safety
    No automatic fix: use `aiofiles`/`anyio`, or `await asyncio.to_thread(...)`.
    """

    code = "FAP403"
