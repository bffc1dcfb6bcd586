"""What kind of resource a type is: one definition of "session", "engine" and "client" for every rule.

Qualified names as the context tracker knows values by: a class (`sqlalchemy.orm.Session`), or the factory
a value came from (`create_engine(...)` is known as `sqlalchemy.create_engine`). Plain data, free of
libcst: the rules (FAP202, FAP405, FAP501-FAP505, FAP601, FAP602) and the call tables all read these
sets, so that a session to one rule is a session to every rule.
"""

from __future__ import annotations

SYNC_SESSION_TYPES = frozenset(
    {"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session", "sqlmodel.orm.session.Session"}
)
ASYNC_SESSION_TYPES = frozenset(
    {
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    }
)
SESSION_TYPES = SYNC_SESSION_TYPES | ASYNC_SESSION_TYPES
ASYNC_SESSION_CLASSES = ASYNC_SESSION_TYPES

# Session factories: calling one (or its `.begin()`) opens a session.
SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
ASYNC_SESSIONMAKER = "sqlalchemy.ext.asyncio.async_sessionmaker"
SYNC_SESSION_FACTORIES = SESSIONMAKERS | {"sqlalchemy.orm.scoped_session", "sqlalchemy.orm.scoping.scoped_session"}
ASYNC_SESSION_FACTORIES = frozenset(
    {
        ASYNC_SESSIONMAKER,
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.scoping.async_scoped_session",
    }
)
SESSION_FACTORY_TYPES = SYNC_SESSION_FACTORIES | ASYNC_SESSION_FACTORIES

SYNC_ENGINES = frozenset(
    {
        "sqlalchemy.create_engine",
        "sqlalchemy.engine.create_engine",
        "sqlmodel.create_engine",
        "sqlalchemy.Engine",
        "sqlalchemy.engine.Engine",
        "sqlalchemy.engine.base.Engine",
    }
)
SYNC_CONNECTIONS = frozenset(
    {"sqlalchemy.Connection", "sqlalchemy.engine.Connection", "sqlalchemy.engine.base.Connection"}
)
# What runs SQL synchronously besides a session: `inspect()` of one questions the database.
SYNC_ENGINE_TYPES = SYNC_ENGINES | SYNC_CONNECTIONS
ASYNC_ENGINES = frozenset(
    {
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
        "sqlalchemy.ext.asyncio.AsyncEngine",
        "sqlalchemy.ext.asyncio.engine.AsyncEngine",
    }
)
ENGINE_TYPES = SYNC_ENGINES | ASYNC_ENGINES

CLIENT_TYPES = frozenset(
    {
        "httpx.Client",
        "httpx.AsyncClient",
        "requests.Session",
        "aiohttp.ClientSession",
        "redis.Redis",
        "redis.StrictRedis",
        "redis.from_url",
        "redis.asyncio.Redis",
        "redis.asyncio.from_url",
        "redis.asyncio.client.Redis",
        "aioredis.Redis",
        "aioredis.from_url",
        "boto3.client",
        "boto3.resource",
        "pymongo.MongoClient",
        "motor.motor_asyncio.AsyncIOMotorClient",
        "elasticsearch.Elasticsearch",
        "elasticsearch.AsyncElasticsearch",
    }
)
# The methods of a session that do database work (FAP202 in routes; a function's session parameters).
SESSION_METHODS = frozenset(
    {
        "execute",
        "exec",
        "scalars",
        "scalar",
        "stream",
        "stream_scalars",
        "query",
        "get",
        "add",
        "add_all",
        "delete",
        "merge",
        "flush",
        "commit",
        "refresh",
        "rollback",
        "bulk_save_objects",
        "bulk_insert_mappings",
        "bulk_update_mappings",
    }
)
