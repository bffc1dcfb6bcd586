"""FAP405 sync-database-call-in-async-function."""

from __future__ import annotations

from fapcheck.rules._blocking import BlockingCallRule
from fapcheck.semantic.calls import BlockingCall, on_sync_session

# A route handler that only does sync session work is fine as a plain `def`: the whole handler runs in a thread.
ROUTE_ON_SYNC_SESSION = "make the route a plain 'def' (FastAPI runs it in a thread pool) or move to 'AsyncSession'"


class SyncDatabaseCallInAsyncFunction(BlockingCallRule):
    """Flags a synchronous database driver or session used in an `async def`.

    ## What it does
    Reports, in the body of an `async def`, `psycopg2.connect`,
    `psycopg.connect`, `sqlite3.connect`, `pymysql.connect`, `MySQLdb.connect`,
    `pymongo.MongoClient` and the methods of its databases and collections
    (`client.shop.orders.find_one(...)`, a value annotated `Collection`; not
    `find()`, which returns a lazy cursor), `elasticsearch.Elasticsearch` (and
    `es.indices.*`, `elasticsearch.helpers.bulk`), and the work of a synchronous
    SQLAlchemy or SQLModel session (`execute`, `scalars`, `scalar`, `query`,
    `get`, `merge`, `flush`, `commit`, `refresh`, `rollback`, `close`, `exec`)
    on a value typed `Session` (a parameter `db: Session = Depends(get_db)`)
    or opened from a `sessionmaker` in the same file, and the `connect`,
    `begin` and `execute` of a synchronous `create_engine` engine and its
    connections. `add`, `add_all` and `delete` do no I/O and are not
    reported; an awaited call (`await session.execute(...)` on an
    `AsyncSession`) is never reported.

    ## Why is this bad?
    A synchronous driver waits for the database on the event loop: while one
    query runs, no other request of the worker makes progress.

    ## Example
    ```python
    # app/api/routes/users.py
    from fastapi import APIRouter, Depends
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.db import User, get_db

    router = APIRouter()

    @router.get("/users")
    async def list_users(db: Session = Depends(get_db)) -> list[User]:
        return list(db.scalars(select(User)))
    ```

    ## Use instead
    ```python
    # app/api/routes/users.py
    from fastapi import APIRouter, Depends
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.db import User, get_db

    router = APIRouter()

    @router.get("/users")
    async def list_users(db: AsyncSession = Depends(get_db)) -> list[User]:
        return list(await db.scalars(select(User)))
    ```
    Or keep the synchronous session and declare the handler with `def`: FastAPI
    runs it in a thread pool. The message says so for session work in a route
    handler itself; elsewhere (a dependency, a service, a function nested in
    the handler) it names the async call to use.

    ## Fix safety
    No automatic fix: moving to an async driver changes the session type and
    every call site.
    """

    code = "FAP405"

    def advice(self, blocking: BlockingCall) -> str:
        function = self.ctx.function
        if function is not None and function is self.ctx.route_handler and on_sync_session(blocking):
            return ROUTE_ON_SYNC_SESSION
        return super().advice(blocking)
