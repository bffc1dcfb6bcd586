"""FAP407 cpu-bound-call-in-async-function."""

from __future__ import annotations

from fapcheck.rules._blocking import BlockingCallRule


class CpuBoundCallInAsyncFunction(BlockingCallRule):
    """Flags CPU-bound work done on the event loop. Not selected by default.

    ## What it does
    Reports, in the body of an `async def`, calls that keep the CPU busy for
    a noticeable time without any I/O, resolved through imports and aliases:
    - password hashing and checking: `bcrypt.hashpw/checkpw/kdf`, the
      `hash/verify/verify_and_update/...` methods of a passlib
      `CryptContext(...)` and of the `passlib.hash.*` handlers (also after
      `.using(...)`), `hashlib.pbkdf2_hmac`, `hashlib.scrypt`,
      `argon2.PasswordHasher().hash/verify` and `argon2.low_level`,
      `pwdlib.PasswordHash` and `werkzeug.security`'s password hashes;
    - image conversion with Pillow: `resize`, `thumbnail`, `convert`,
      `transform`, `filter`, `rotate`, `transpose`, `quantize`, `reduce` on an
      image from `PIL.Image.open/new/...`, and the `PIL.ImageOps` helpers
      (`fit`, `contain`, `pad`, `exif_transpose`, ...).

    Fast hashes (`hashlib.sha256()`, `hmac`) are not reported. The same
    scope rules as FAP401-FAP405 apply: nested sync `def`s and lambdas, awaited
    calls and callables handed to `asyncio.to_thread` are not reported, nor is
    code in tests and scripts outside route handlers. FAP406 does not follow
    these calls into synchronous helpers: it is about blocking I/O.

    The rule is off by default because the cost depends on the input and the
    settings (a bcrypt cost factor of 12 takes about 250 ms, a thumbnail of a
    small avatar far less): turn it on with `--select FAP407`,
    `--extend-select FAP407` or `extend-select = ["FAP407"]` (a prefix such as
    `FAP4` does not select it; `ALL` does). No other linter has this check:
    flake8-async and ruff's ASYNC rules cover I/O only.

    ## Why is this bad?
    While the CPU works on the event loop's thread, no other request of that
    worker makes progress. Password hashing is slow on purpose, tens to
    hundreds of milliseconds per call: a burst of logins stalls every other
    request of the worker for that long each. The libraries named here release
    the GIL while they compute, so a worker thread really runs them in parallel.

    ## Example
    ```python
    # app/api/routes/auth.py
    import bcrypt
    from fastapi import APIRouter

    router = APIRouter()

    @router.post("/login")
    async def login(password: str, stored: bytes) -> bool:
        return bcrypt.checkpw(password.encode(), stored)
    ```

    ## Use instead
    ```python
    # app/api/routes/auth.py
    import asyncio

    import bcrypt
    from fastapi import APIRouter

    router = APIRouter()

    @router.post("/login")
    async def login(password: str, stored: bytes) -> bool:
        return await asyncio.to_thread(bcrypt.checkpw, password.encode(), stored)
    ```
    A synchronous `def` handler is fine too: FastAPI runs it in a thread pool.

    ## Fix safety
    No automatic fix: moving the call to a thread changes where exceptions
    surface and needs an `await`.

    ## Options
    `[tool.fapcheck.blocking]` `allow-calls` removes calls from this rule as
    from every FAP4 rule (`allow-calls = ["PIL.ImageOps"]`).
    """

    code = "FAP407"
    message = "{call} is CPU-bound work on the event loop in async def '{function}'; use {alternative}"
