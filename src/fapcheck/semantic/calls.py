"""The audited call tables: which calls block the event loop, and what to use instead.

Everything here is data a reader can check line by line, plus one function,
`blocking_call(ctx, call)`, that says whether a call node is one of them. It
knows nothing about scopes: the rules decide where a blocking call matters
(`async def`), other checks reuse it for synchronous helpers.

Calls are matched by qualified name, resolved through imports and aliases by
the context tracker: module functions (`time.sleep`), and methods of values
whose type is known (`requests.Session().get`, `c.get()` after
`with httpx.Client() as c`, a parameter annotated `Session`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import libcst as cst

from fapcheck.semantic.context import FileContext, Resolved

NETWORK = "FAP401"
SLEEP = "FAP402"
FILE_IO = "FAP403"
PROCESS = "FAP404"
DATABASE = "FAP405"
USER_LISTED = NETWORK  # `extend-calls` entries: the catch-all for blocking clients of the project's own choosing


@dataclass(frozen=True, slots=True)
class BlockingCall:
    """A call that blocks: the rule that reports it, the call as written for a reader, the async way."""

    code: str
    call: str  # 'time.sleep()', 'requests.Session.get()'
    alternative: str  # quoted code, maybe with words: "'await asyncio.sleep()'"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    alternative: str  # may use {name}: the function or method name


# ---------------------------------------------------------------- functions, by qualified name

_HTTPX = Entry(NETWORK, "'await httpx.AsyncClient().{name}()'")
_HTTPX_GET = Entry(NETWORK, "'await httpx.AsyncClient().get()'")
_HTTP_VERBS = "get post put patch delete head options request"
_DNS = Entry(NETWORK, "'await asyncio.get_running_loop().getaddrinfo()'")
_FILE = Entry(FILE_IO, "'async with aiofiles.open()' or 'await anyio.open_file()'")
_IN_THREAD = "'await asyncio.to_thread({qualname}, ...)'"
_SPAWN = Entry(PROCESS, "'await asyncio.create_subprocess_exec()'")
_SHELL = Entry(PROCESS, "'await asyncio.create_subprocess_shell()'")
_WAIT = Entry(PROCESS, "'await process.wait()' on an asyncio subprocess")


def _under(module: str, names: str, entry: Entry) -> dict[str, Entry]:
    return {f"{module}.{name}": entry for name in names.split()}


FUNCTIONS: Mapping[str, Entry] = {
    # FAP401 network
    **_under("requests", _HTTP_VERBS, _HTTPX),
    **_under("requests.api", _HTTP_VERBS, _HTTPX),
    **_under("httpx", f"{_HTTP_VERBS} stream", _HTTPX),
    "urllib.request.urlopen": _HTTPX_GET,
    "urllib.request.urlretrieve": _HTTPX_GET,
    "urllib3.request": Entry(NETWORK, "'await httpx.AsyncClient().request()'"),
    "socket.create_connection": Entry(NETWORK, "'await asyncio.open_connection()'"),
    "socket.getaddrinfo": _DNS,
    "socket.gethostbyname": _DNS,
    "socket.gethostbyname_ex": _DNS,
    "socket.gethostbyaddr": Entry(NETWORK, "'await asyncio.get_running_loop().getnameinfo()'"),
    "socket.getfqdn": _DNS,
    # smtplib.SMTP(host) connects in its constructor (see CONNECT_WHEN_GIVEN_HOST)
    "smtplib.SMTP": Entry(NETWORK, "'await aiosmtplib.send()'"),
    "smtplib.SMTP_SSL": Entry(NETWORK, "'await aiosmtplib.send()'"),
    "smtplib.LMTP": Entry(NETWORK, "'await aiosmtplib.send()'"),
    # FAP402 sleep
    "time.sleep": Entry(SLEEP, "'await asyncio.sleep()'"),
    # FAP403 file I/O (os.path.* and Path.exists()-style stat calls are cheap and deliberately absent)
    "builtins.open": _FILE,
    "io.open": _FILE,
    "codecs.open": _FILE,
    **{
        f"shutil.{name}": Entry(FILE_IO, _IN_THREAD.format(qualname=f"shutil.{name}"))
        for name in _words("copy copy2 copyfile copyfileobj copytree move rmtree make_archive unpack_archive")
    },
    # FAP404 processes
    **_under("subprocess", "run call check_call check_output Popen getoutput getstatusoutput", _SPAWN),
    "os.system": _SHELL,
    "os.popen": _SHELL,
    **_under("os", "wait waitpid wait3 wait4 waitid", _WAIT),
    **_under("os", "spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe", _SPAWN),
    "os.posix_spawn": _SPAWN,
    "os.posix_spawnp": _SPAWN,
    # FAP405 synchronous database drivers
    "psycopg2.connect": Entry(DATABASE, "'await asyncpg.connect()' or 'await psycopg.AsyncConnection.connect()'"),
    "psycopg.connect": Entry(DATABASE, "'await psycopg.AsyncConnection.connect()'"),
    "psycopg.Connection.connect": Entry(DATABASE, "'await psycopg.AsyncConnection.connect()'"),
    "sqlite3.connect": Entry(DATABASE, "'async with aiosqlite.connect()'"),
    "pymysql.connect": Entry(DATABASE, "'await aiomysql.connect()'"),
    "pymysql.Connect": Entry(DATABASE, "'await aiomysql.connect()'"),
    "MySQLdb.connect": Entry(DATABASE, "'await aiomysql.connect()'"),
    "MySQLdb.Connect": Entry(DATABASE, "'await aiomysql.connect()'"),
    "pymongo.MongoClient": Entry(
        DATABASE, "'pymongo.AsyncMongoClient()' or 'motor.motor_asyncio.AsyncIOMotorClient()'"
    ),
    "pymongo.mongo_client.MongoClient": Entry(DATABASE, "'pymongo.AsyncMongoClient()'"),
}


# Constructors that connect only when given a host: `smtplib.SMTP()` alone does no I/O.
CONNECT_WHEN_GIVEN_HOST = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP"})


# ---------------------------------------------------------------- methods, by the receiver's type


@dataclass(frozen=True, slots=True)
class ReceiverType:
    """A type whose methods block.

    `methods` lists the blocking ones; with `all_but`, every method blocks except those listed.
    `derived`: values obtained from one (`s3.Bucket("b")`, `engine.connect()`) block the same way.
    """

    label: str  # how the message names the receiver
    code: str
    alternative: str
    methods: frozenset[str]
    all_but: bool = False
    derived: bool = False
    instead: Mapping[str, str] = field(default_factory=dict)  # per-method alternatives

    def alternative_for(self, method: str) -> str:
        return self.instead.get(method, self.alternative).format(name=method)

    def blocks(self, method: str) -> bool:
        if self.all_but:  # a capitalised method builds a sub-object (`s3.Bucket("b")`) without I/O
            return method not in self.methods and not method[:1].isupper()
        return method in self.methods


_SESSION_WORK = _words(
    "execute scalars scalar query get get_one merge flush commit refresh rollback close connection exec remove"
)
_SOCKET_IO = _words(
    "connect connect_ex accept recv recv_into recvfrom recvfrom_into recvmsg recvmsg_into send sendall sendto sendmsg"
    " sendfile"
)
_URLLIB3 = _words("request urlopen request_encode_url request_encode_body")
# Local work on a boto3 client or resource: signing, building paginators and lazy collections.
_BOTO3_LOCAL = _words(
    "get_paginator get_waiter can_paginate generate_presigned_url generate_presigned_post close all filter limit"
    " page_size"
)
# Building a pipeline, a lock or a pub/sub object does no I/O; their commands do.
_REDIS_LOCAL = _words(
    "pipeline pubsub lock register_script get_encoder get_connection_kwargs set_response_callback get_retry set_retry"
    " from_url from_pool close"
)
_SMTP_IO = _words(
    "connect login starttls sendmail send_message ehlo helo quit noop verify rset mail rcpt data docmd auth"
    " ehlo_or_helo_if_needed"
)
_ENGINE_IO = _words("connect begin execute scalar scalars commit rollback exec_driver_sql raw_connection exec")

_ASYNC_HTTP = "'await httpx.AsyncClient().{name}()'"
_REQUESTS = ReceiverType("requests.Session", NETWORK, _ASYNC_HTTP, _words(f"{_HTTP_VERBS} send"))
_HTTPX_CLIENT = ReceiverType("httpx.Client", NETWORK, _ASYNC_HTTP, _words(f"{_HTTP_VERBS} send stream"))
_URLLIB3_POOL = ReceiverType("urllib3.PoolManager", NETWORK, "'await httpx.AsyncClient().request()'", _URLLIB3)
_SOCKET = ReceiverType("socket.socket", NETWORK, "'await asyncio.open_connection()'", _SOCKET_IO)
_REDIS = ReceiverType("redis.Redis", NETWORK, "'await redis.asyncio.Redis().{name}()'", _REDIS_LOCAL, all_but=True)
_REDIS_PIPELINE = ReceiverType(
    "redis.Redis.pipeline()", NETWORK, "'await redis.asyncio.Redis().pipeline().execute()'", _words("execute")
)
_SMTP = ReceiverType("smtplib.SMTP", NETWORK, "'await aiosmtplib.send()'", _SMTP_IO)
_BOTO3_CLIENT = ReceiverType(
    "boto3.client(...)",
    NETWORK,
    "'aioboto3' or 'await asyncio.to_thread(client.{name}, ...)'",
    _BOTO3_LOCAL,
    True,
    True,
)
_BOTO3_RESOURCE = ReceiverType(
    "boto3.resource(...)", NETWORK, "'aioboto3' or 'await asyncio.to_thread(...)'", _BOTO3_LOCAL, True, True
)
_PATH = ReceiverType(
    "pathlib.Path",
    FILE_IO,
    "'await anyio.Path(...).{name}()'",
    _words("open read_text read_bytes write_text write_bytes"),
)
_POPEN = ReceiverType(
    "subprocess.Popen",
    PROCESS,
    "'await process.{name}()' on asyncio.create_subprocess_exec()",
    _words("wait communicate"),
)
_SESSION = ReceiverType(
    "Session",
    DATABASE,
    "an AsyncSession: 'await session.{name}()'",
    _SESSION_WORK,
    instead={"query": "an AsyncSession: 'await session.execute(select(...))'"},
)
_ENGINE = ReceiverType(
    "Engine",
    DATABASE,
    "create_async_engine() and 'await conn.{name}()'",
    _ENGINE_IO,
    derived=True,
    instead={
        "connect": "create_async_engine() and 'async with engine.connect()'",
        "begin": "create_async_engine() and 'async with engine.begin()'",
    },
)
_MONGO = ReceiverType(
    "pymongo.MongoClient", DATABASE, "pymongo.AsyncMongoClient: 'await client.{name}()'", _words("close"), all_but=True
)


def _each(names: str, receiver: ReceiverType) -> dict[str, ReceiverType]:
    return dict.fromkeys(names.split(), receiver)


# A type is what the tracker knows of a value: a class (`httpx.Client`) or the factory it came from
# (`boto3.client`, `requests.session`); calling a sessionmaker instance opens a Session.
RECEIVERS: Mapping[str, ReceiverType] = {
    **_each("requests.Session requests.sessions.Session requests.session requests.sessions.session", _REQUESTS),
    **_each("httpx.Client httpx._client.Client", _HTTPX_CLIENT),
    **_each(
        "urllib3.PoolManager urllib3.ProxyManager urllib3.HTTPConnectionPool urllib3.HTTPSConnectionPool"
        " urllib3.poolmanager.PoolManager urllib3.connection_from_url urllib3.proxy_from_url",
        _URLLIB3_POOL,
    ),
    **_each("socket.socket socket.create_connection socket.socket.accept", _SOCKET),
    **_each(
        "redis.Redis redis.StrictRedis redis.client.Redis redis.client.StrictRedis redis.from_url"
        " redis.Redis.from_url redis.StrictRedis.from_url redis.client.Redis.from_url",
        _REDIS,
    ),
    **_each("redis.Redis.pipeline redis.StrictRedis.pipeline redis.client.Pipeline", _REDIS_PIPELINE),
    **_each("smtplib.SMTP smtplib.SMTP_SSL smtplib.LMTP", _SMTP),
    **_each("boto3.client boto3.Session.client boto3.session.Session.client", _BOTO3_CLIENT),
    **_each("boto3.resource boto3.Session.resource boto3.session.Session.resource", _BOTO3_RESOURCE),
    **_each("pathlib.Path pathlib.PosixPath pathlib.WindowsPath", _PATH),
    **_each("subprocess.Popen", _POPEN),
    **_each(
        "sqlalchemy.orm.Session sqlalchemy.orm.session.Session sqlmodel.Session sqlmodel.orm.session.Session"
        " sqlalchemy.orm.scoped_session sqlalchemy.orm.scoping.scoped_session"
        " sqlalchemy.orm.sessionmaker sqlalchemy.orm.session.sessionmaker",
        _SESSION,
    ),
    **_each(
        "sqlalchemy.create_engine sqlalchemy.engine.create_engine sqlmodel.create_engine sqlalchemy.Engine"
        " sqlalchemy.engine.Engine sqlalchemy.engine.base.Engine sqlalchemy.Connection sqlalchemy.engine.Connection"
        " sqlalchemy.engine.base.Connection",
        _ENGINE,
    ),
    **_each("pymongo.MongoClient pymongo.mongo_client.MongoClient", _MONGO),
}


# ---------------------------------------------------------------- calls that run elsewhere

# Their callable argument runs in a worker thread: what is written there is not run on the event loop.
EXECUTORS: Mapping[str, int] = {
    "asyncio.to_thread": 0,
    "starlette.concurrency.run_in_threadpool": 0,
    "fastapi.concurrency.run_in_threadpool": 0,
    "anyio.to_thread.run_sync": 0,
    "asyncer.asyncify": 0,
}
EXECUTOR_METHODS: Mapping[str, int] = {"run_in_executor": 1}  # loop.run_in_executor(executor, func, *args)
# A call whose result is handed to one of these returns an awaitable: it is not a blocking call.
AWAITABLE_CONSUMERS = _words(
    "asyncio.wait_for asyncio.shield asyncio.gather asyncio.create_task asyncio.ensure_future asyncio.wait"
    " asyncio.as_completed asyncio.run_coroutine_threadsafe"
)


# ---------------------------------------------------------------- the one question


@dataclass(frozen=True, slots=True)
class UserCalls:
    """`[tool.fapcheck.blocking]`: a name covers itself and everything under it; the longest entry wins."""

    extend: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()

    def verdict(self, qualname: str) -> bool | None:
        """True: listed as blocking; False: allowed; None: not mentioned."""
        best_extend = _longest_cover(self.extend, qualname)
        best_allow = _longest_cover(self.allow, qualname)
        if best_extend < 0 and best_allow < 0:
            return None
        return best_extend > best_allow


def _longest_cover(entries: tuple[str, ...], qualname: str) -> int:
    return max((len(e) for e in entries if qualname == e or qualname.startswith(e + ".")), default=-1)


@cache
def user_calls(extend: tuple[str, ...], allow: tuple[str, ...]) -> UserCalls:
    return UserCalls(extend, allow)


NO_USER_CALLS = UserCalls()


def blocking_call(ctx: FileContext, call: cst.Call, user: UserCalls = NO_USER_CALLS) -> BlockingCall | None:
    """The blocking call `call` makes, with its async alternative; None when it does not block (or is unknown)."""
    func = call.func
    if isinstance(func, cst.Attribute):
        receiver = ctx.resolve(func.value) or _provided_session(ctx, func.value)
        if receiver is None:
            return None
        method = func.attr.value
        if receiver.instance:
            return _method_call(receiver.qualname, method, user)
        return _function_call(f"{receiver.qualname}.{method}", method, call, user)
    if isinstance(func, cst.Name):
        resolved = ctx.resolve(func)
        if resolved is None or resolved.instance:
            return None
        return _function_call(resolved.qualname, func.value, call, user)
    return None


_SESSION_WORD = re.compile(r"(?:^|_)(?:db|session)(?:_|$)")
_DB_PROVIDER_WORD = re.compile(r"(?:^|_)(?:db|session|database)(?:_|$)")
_SYNC_SESSION = Resolved("sqlalchemy.orm.Session", True)


def _provided_session(ctx: FileContext, value: cst.BaseExpression) -> Resolved | None:
    """An untyped `db=Depends(get_db)`: named like a session and provided by a database dependency.

    Its type is unknown; it is taken as a synchronous Session because an async one is awaited, and
    awaited calls are never blocking calls.
    """
    if not isinstance(value, cst.Name) or not _SESSION_WORD.search(value.value):
        return None
    binding = ctx.lookup(value.value)
    if binding is None or binding.kind != "local" or not binding.depends:
        return None
    provider = binding.depends.rsplit(".", 1)[-1]
    return _SYNC_SESSION if _DB_PROVIDER_WORD.search(provider) else None


def _function_call(qualname: str, name: str, call: cst.Call, user: UserCalls) -> BlockingCall | None:
    verdict = user.verdict(qualname)
    if verdict is False or (qualname in CONNECT_WHEN_GIVEN_HOST and not call.args):
        return None
    entry = FUNCTIONS.get(qualname)
    display = qualname.removeprefix("builtins.")
    if entry is not None:
        return BlockingCall(entry.code, f"{display}()", entry.alternative.format(name=name))
    if verdict:
        return _user_listed(display)
    return None


def _method_call(type_name: str, method: str, user: UserCalls) -> BlockingCall | None:
    verdict = user.verdict(f"{type_name}.{method}")
    if verdict is False:
        return None
    receiver = receiver_type(type_name)
    if receiver is not None and receiver.blocks(method):
        return BlockingCall(receiver.code, f"{receiver.label}.{method}()", receiver.alternative_for(method))
    if verdict:
        return _user_listed(f"{type_name}.{method}")
    return None


def _user_listed(display: str) -> BlockingCall:
    return BlockingCall(USER_LISTED, f"{display}()", f"'await asyncio.to_thread({display}, ...)'")


def receiver_type(type_name: str) -> ReceiverType | None:
    """The blocking type of a value: its own, or the nearest `derived` type it was obtained from."""
    exact = RECEIVERS.get(type_name)
    if exact is not None:
        return exact
    parts = type_name.split(".")
    for end in range(len(parts) - 1, 1, -1):
        found = RECEIVERS.get(".".join(parts[:end]))
        if found is not None:
            return found if found.derived else None
    return None
