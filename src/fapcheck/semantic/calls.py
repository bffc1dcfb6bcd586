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
from dataclasses import dataclass, field, replace
from functools import cache

import libcst as cst

from fapcheck.semantic.context import FileContext, Resolved
from fapcheck.semantic.kinds import SYNC_ENGINE_TYPES, SYNC_SESSION_FACTORIES, SYNC_SESSION_TYPES

NETWORK = "FAP401"
SLEEP = "FAP402"
FILE_IO = "FAP403"
PROCESS = "FAP404"
DATABASE = "FAP405"
CPU_BOUND = "FAP407"  # not I/O: reported only when FAP407 is selected, never followed by FAP406
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


_AIO_OS = Entry(FILE_IO, "'await aiofiles.os.{name}()'")
_AIO_TEMPFILE = Entry(FILE_IO, "'async with aiofiles.tempfile.{name}()'")


_IMAGE_OPS = "fit contain cover pad scale exif_transpose grayscale equalize autocontrast"  # each returns an image


def _under(module: str, names: str, entry: Entry) -> dict[str, Entry]:
    return {f"{module}.{name}": entry for name in names.split()}


def _in_thread(module: str, names: str, code: str = FILE_IO) -> dict[str, Entry]:
    """Functions with no async twin: the advice is to run them in a worker thread."""
    return {f"{module}.{name}": Entry(code, _IN_THREAD.format(qualname=f"{module}.{name}")) for name in names.split()}


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
    # shutil copies, moves and deletes whole files and trees. Left out: copymode, copystat, chown,
    # disk_usage and which, single metadata calls like the stat calls above.
    **_in_thread("shutil", "copy copy2 copyfile copyfileobj copytree move rmtree make_archive unpack_archive"),
    # Directory listings and changes: one syscall each, but on the disk (or a network mount) all the same.
    # Left out: os.stat/lstat/access and os.path.*, stat calls as above; os.fdopen, which wraps a descriptor
    # an earlier (reported) open made.
    **_under("os", "listdir scandir remove unlink rename renames replace makedirs mkdir rmdir removedirs", _AIO_OS),
    "os.walk": Entry(FILE_IO, _IN_THREAD.format(qualname="os.walk")),  # lists every directory below, as iterated
    # tempfile: these create the file or directory on disk at once. Left out: SpooledTemporaryFile (in
    # memory until it rolls over), gettempdir (probes the disk once, then cached), mktemp (a name only).
    **_under("tempfile", "NamedTemporaryFile TemporaryFile TemporaryDirectory", _AIO_TEMPFILE),
    **_in_thread("tempfile", "mkstemp mkdtemp"),
    # Given a path they open the file (see PATH_ARGUMENT); given a BytesIO they read memory.
    "zipfile.ZipFile": Entry(FILE_IO, _IN_THREAD.format(qualname="zipfile.ZipFile")),
    "PIL.Image.open": Entry(FILE_IO, _IN_THREAD.format(qualname="PIL.Image.open")),
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
    # elasticsearch's bulk helpers send every batch and wait for the answer.
    **_under("elasticsearch.helpers", "bulk reindex", Entry(DATABASE, "'await elasticsearch.helpers.async_{name}()'")),
    # FAP407 CPU-bound (not selected by default): password hashing is slow by design, tens to hundreds
    # of milliseconds per call; resizing and converting images is proportional to the pixels.
    **_in_thread("bcrypt", "hashpw checkpw kdf", CPU_BOUND),
    **_in_thread("hashlib", "pbkdf2_hmac scrypt", CPU_BOUND),  # hashlib.sha256() and friends are fast
    **_in_thread("argon2.low_level", "hash_secret hash_secret_raw verify_secret", CPU_BOUND),
    **_in_thread("argon2", "hash_password hash_password_raw verify_password", CPU_BOUND),
    **_in_thread("werkzeug.security", "generate_password_hash check_password_hash", CPU_BOUND),
    **_in_thread("PIL.ImageOps", _IMAGE_OPS, CPU_BOUND),
}

# Calls that touch the disk only when their first argument is a file path (a string, an f-string, a
# `pathlib.Path`, `os.path.join(...)`): `Image.open(io.BytesIO(data))` reads memory. An argument of
# unknown type is not taken for a path.
PATH_ARGUMENT = frozenset({"zipfile.ZipFile", "PIL.Image.open"})
_PATH_TYPES = frozenset(
    {"builtins.str", "pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "os.path.join", "os.fspath"}
)
_PATH_KEYWORDS = frozenset({"fp", "file", "filename", "path"})


# Constructors that connect only when given a host: `smtplib.SMTP()` alone does no I/O.
CONNECT_WHEN_GIVEN_HOST = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP"})


# ---------------------------------------------------------------- methods, by the receiver's type


@dataclass(frozen=True, slots=True)
class ReceiverType:
    """A type whose methods block.

    `methods` lists the blocking ones; with `all_but`, every method blocks except those listed.
    `derived`: values obtained from one (`s3.Bucket("b")`, `engine.connect()`) block the same way.
    `members`: its attributes are clients of the same kind (`client.shop.orders.find_one()` on pymongo,
    `es.indices.create()` on elasticsearch).
    Alternatives may name the method `{name}` and the receiver as written `{receiver}`.
    """

    label: str  # how the message names the receiver; "" when as written (`stripe.Customer`, `pwd_context`)
    code: str
    alternative: str
    methods: frozenset[str]
    all_but: bool = False
    derived: bool = False
    instead: Mapping[str, str] = field(default_factory=dict)  # per-method alternatives
    codes: Mapping[str, str] = field(default_factory=dict)  # per-method codes, when not all are `code`
    path_methods: frozenset[str] = frozenset()  # block only when given a file path (see PATH_ARGUMENT)
    members: bool = False
    verbs: bool = False  # `methods` are verbs: `list_line_items` blocks like `list` (not `list_async`)

    def alternative_for(self, method: str, receiver: str = "") -> str:
        template = self.instead.get(method, self.alternative)
        if not receiver and "{receiver}" in template:
            return "'await asyncio.to_thread(...)'"
        return template.format(name=method, receiver=receiver)

    def code_for(self, method: str) -> str:
        return self.codes.get(method, self.code)

    def blocks(self, method: str) -> bool:
        if self.all_but:  # a capitalised method builds a sub-object (`s3.Bucket("b")`) without I/O
            return method not in self.methods and not method[:1].isupper()
        if self.verbs and not method.endswith("_async"):
            return method.split("_", 1)[0] in self.methods or method in self.methods
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


def on_sync_session(found: BlockingCall) -> bool:
    """Work on a synchronous SQLAlchemy or SQLModel session: every such call is written `Session.<method>()`."""
    return found.call.startswith(f"{_SESSION.label}.")


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
# A client, its databases and collections: every method talks to the server but these, which build
# objects or a lazy cursor (iterating a cursor is not a call fapcheck sees).
# `sqlalchemy.inspect(engine)`: every question it answers reads the database's catalogue.
_INSPECTOR = ReceiverType(
    "sqlalchemy.inspect(engine)",
    DATABASE,
    "'await conn.run_sync(lambda sync: sqlalchemy.inspect(sync).{name}())' on an AsyncConnection",
    frozenset({"bind", "engine", "dialect", "info_cache", "default_schema_name"}),
    all_but=True,
)
_MONGO_LOCAL = _words(
    "close get_database get_default_database get_collection with_options find find_raw_batches start_session"
)
_MONGO = ReceiverType(
    "pymongo.MongoClient",
    DATABASE,
    "pymongo.AsyncMongoClient: 'await {receiver}.{name}()'",
    _MONGO_LOCAL,
    all_but=True,
    members=True,
)
_ELASTICSEARCH = ReceiverType(
    "elasticsearch.Elasticsearch",
    DATABASE,
    "elasticsearch.AsyncElasticsearch: 'await {receiver}.{name}()'",
    _words("options close"),  # options() returns a configured copy of the client
    all_but=True,
    members=True,
)
_BOTOCORE_CLIENT = ReceiverType(
    "botocore.client.BaseClient",
    NETWORK,
    "'aiobotocore' or 'await asyncio.to_thread({receiver}.{name}, ...)'",
    _BOTO3_LOCAL,
    True,
    True,
)
_BOTO3_WAITER = ReceiverType("boto3 waiter", NETWORK, "'await asyncio.to_thread({receiver}.wait, ...)'", _words("wait"))
# Slack's Web API client: every method is an HTTPS request to slack.com.
_SLACK = ReceiverType(
    "slack_sdk.WebClient",
    NETWORK,
    "'await slack_sdk.web.async_client.AsyncWebClient().{name}()'",
    frozenset(),
    all_but=True,
)
_SLACK_WEBHOOK = ReceiverType(
    "slack_sdk.webhook.WebhookClient",
    NETWORK,
    "'await slack_sdk.webhook.async_client.AsyncWebhookClient().{name}()'",
    _words("send send_dict"),
)
# Celery publishes to the broker and reads the result backend synchronously; it has no asyncio API.
_CELERY_THREAD = "'await asyncio.to_thread({receiver}.{name}, ...)'"
_CELERY_APP = ReceiverType("celery.Celery", NETWORK, _CELERY_THREAD, _words("send_task"))
_CELERY_SIGNATURE = ReceiverType("celery.Signature", NETWORK, _CELERY_THREAD, _words("delay apply_async"))
_CELERY_TASK = ReceiverType("", NETWORK, _CELERY_THREAD, _words("delay apply_async"))
# Waits for the task (get, wait, collect: possibly forever) or asks the result backend.
_CELERY_RESULT = ReceiverType(
    "celery.result.AsyncResult",
    NETWORK,
    _CELERY_THREAD,
    _words("get wait collect forget revoke ready successful failed join join_native"),
)
# Remote control commands broadcast to the workers and, mostly, wait for their replies.
_CELERY_CONTROL = ReceiverType("celery.app.control.Control", NETWORK, _CELERY_THREAD, _words("inspect"), all_but=True)
_CELERY_INSPECT = ReceiverType("celery.app.control.Inspect", NETWORK, _CELERY_THREAD, frozenset(), all_but=True)
# Stripe's resources (`stripe.Customer.create()`) and StripeClient services (`client.v1.customers.create()`)
# are HTTPS requests to api.stripe.com. A method is one of these verbs or starts with `<verb>_`
# (`list_line_items`); `*_async` methods return coroutines. Not matched: `stripe.Webhook.construct_event`
# and other local helpers (signature checks, `construct_from`).
STRIPE_VERBS = _words(
    "create retrieve modify delete list search cancel capture confirm pay finalize_invoice void_invoice"
    " mark_uncollectible send_invoice upcoming verify_microdeposits increment_authorization apply_customer_balance"
    " expire reject resume attach detach refresh save"
)
_STRIPE = ReceiverType(
    "", NETWORK, "the '{name}_async' method: 'await {receiver}.{name}_async()'", STRIPE_VERBS, verbs=True
)
# FAP407: password hashers, slow by design.
_HASH_IN_THREAD = "'await asyncio.to_thread({receiver}.{name}, ...)'"
_PASSWORD_HASHER = ReceiverType(
    "",
    CPU_BOUND,
    _HASH_IN_THREAD,
    _words("hash verify verify_and_update encrypt genhash dummy_verify"),
)
# Pillow images: saving to a path writes the file (FAP403); the rest is work on every pixel (FAP407).
_PIL_CONVERSIONS = _words("resize thumbnail convert transform filter rotate transpose quantize reduce")
_PIL_IMAGE = ReceiverType(
    "PIL.Image.Image",
    CPU_BOUND,
    "'await asyncio.to_thread({receiver}.{name}, ...)'",
    _PIL_CONVERSIONS | {"save"},
    derived=True,  # img.resize(...) and img.convert(...) give images again
    codes={"save": FILE_IO},
    path_methods=_words("save"),
)
_ZIPFILE = ReceiverType(
    "zipfile.ZipFile",
    FILE_IO,
    "'await asyncio.to_thread({receiver}.{name}, ...)'",
    _words("extract extractall write"),  # write() reads a file from disk; writestr() does not
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
    **dict.fromkeys(SYNC_SESSION_TYPES | SYNC_SESSION_FACTORIES, _SESSION),
    **dict.fromkeys(SYNC_ENGINE_TYPES, _ENGINE),
    **_each("sqlalchemy.engine.reflection.Inspector sqlalchemy.Inspector", _INSPECTOR),
    **_each(
        "pymongo.MongoClient pymongo.mongo_client.MongoClient pymongo.synchronous.mongo_client.MongoClient"
        " pymongo.MongoClient.get_database pymongo.MongoClient.get_default_database"
        " pymongo.database.Database pymongo.synchronous.database.Database"
        " pymongo.collection.Collection pymongo.synchronous.collection.Collection",
        _MONGO,
    ),
    **_each(
        "redis.RedisCluster redis.cluster.RedisCluster redis.sentinel.Sentinel.master_for"
        " redis.sentinel.Sentinel.slave_for",
        _REDIS,
    ),
    **_each(
        "elasticsearch.Elasticsearch elasticsearch.client.Elasticsearch elasticsearch8.Elasticsearch"
        " opensearchpy.OpenSearch",
        _ELASTICSEARCH,
    ),
    **_each(
        "botocore.client.BaseClient botocore.session.Session.create_client botocore.session.get_session.create_client",
        _BOTOCORE_CLIENT,
    ),
    **_each("slack_sdk.WebClient slack_sdk.web.WebClient slack_sdk.web.client.WebClient", _SLACK),
    **_each("slack_sdk.webhook.WebhookClient slack_sdk.webhook.client.WebhookClient", _SLACK_WEBHOOK),
    **_each("celery.Celery celery.app.base.Celery", _CELERY_APP),
    **_each(
        "celery.result.AsyncResult celery.result.GroupResult celery.Celery.AsyncResult celery.Celery.send_task"
        " celery.app.base.Celery.AsyncResult celery.app.base.Celery.send_task",
        _CELERY_RESULT,
    ),
    **_each("celery.app.control.Control", _CELERY_CONTROL),
    **_each(
        "celery.app.control.Inspect celery.Celery.control.inspect celery.app.base.Celery.control.inspect",
        _CELERY_INSPECT,
    ),
    **_each(
        "celery.group celery.chain celery.chord celery.signature celery.canvas.Signature celery.canvas.group"
        " celery.canvas.chain celery.canvas.chord celery.canvas.signature",
        _CELERY_SIGNATURE,
    ),
    **_each("stripe.StripeClient stripe._stripe_client.StripeClient", replace(_STRIPE, members=True)),
    **_each(
        "passlib.context.CryptContext passlib.apps.custom_app_context argon2.PasswordHasher"
        " argon2._password_hasher.PasswordHasher pwdlib.PasswordHash pwdlib.PasswordHash.recommended",
        _PASSWORD_HASHER,
    ),
    **_each(
        "PIL.Image.open PIL.Image.new PIL.Image.Image PIL.Image.frombytes PIL.Image.frombuffer PIL.Image.fromarray "
        + " ".join(f"PIL.ImageOps.{name}" for name in _IMAGE_OPS.split()),
        _PIL_IMAGE,
    ),
    **_each("zipfile.ZipFile", _ZIPFILE),
}

# Attributes of a client that are clients themselves: `app.control.revoke(...)`, Slack Bolt's `app.client`.
MEMBERS: Mapping[str, ReceiverType] = {
    **_each("celery.Celery.control celery.app.base.Celery.control", _CELERY_CONTROL),
    **_each("slack_bolt.App.client slack_bolt.app.App.client slack_bolt.app.app.App.client", _SLACK),
}

# Namespaces whose classes or objects are clients, by prefix: `stripe.Customer.create()` (a class
# named in a module of stripe), `passlib.hash.bcrypt.hash()` (a handler of passlib.hash, also after
# `.using(rounds=...)`).
NAMESPACES: tuple[tuple[str, bool, ReceiverType], ...] = (
    ("stripe.", True, _STRIPE),  # True: modules, then one class
    ("passlib.hash.", False, _PASSWORD_HASHER),
)

# Decorators that turn a project function into a Celery task: `.delay()`/`.apply_async()` on it publish.
# A `.delay()` on anything else is unknown, and not reported.
CELERY_TASK_DECORATORS = frozenset(
    {"celery.Celery.task", "celery.app.base.Celery.task", "celery.shared_task", "celery.app.shared_task"}
)


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
    """The blocking call `call` makes, with its async alternative; None when it does not block (or is unknown).

    FAP407's CPU-bound calls are among them, with their own code.
    """
    func = call.func
    if isinstance(func, cst.Attribute):
        receiver = ctx.resolve(func.value) or _provided_session(ctx, func.value)
        if receiver is None:
            own = ctx.self_type(func.value)  # `self.get()` in a subclass of a client
            if own is None or ctx.defines_method(own, func.attr.value):
                return None
            return _method_call(ctx, own, func.attr.value, call, user)
        method = func.attr.value
        if receiver.instance:
            return _method_call(ctx, receiver.qualname, method, call, user)
        qualname = f"{receiver.qualname}.{method}"
        found = _function_call(ctx, qualname, method, call, user)
        if found is not None or user.verdict(qualname) is False:
            return found
        reached = _reached_type(ctx, receiver.qualname)
        if reached is None:
            return None
        return _typed_call(ctx, reached, _written(call), method, call)
    if isinstance(func, cst.Name):
        resolved = ctx.resolve(func)
        if resolved is None or resolved.instance:
            return None
        return _function_call(ctx, resolved.qualname, func.value, call, user)
    return None


def _reached_type(ctx: FileContext, path: str) -> ReceiverType | None:
    """The client type of an object named by a path, not a value: a member of a client, a class or
    object in a client namespace, or a project function made a Celery task."""
    member = MEMBERS.get(path)
    if member is not None:
        return member
    owner = _nearest_receiver(path, 1)
    if owner is not None:
        return owner if owner.members else None
    namespace = _namespace(path)
    if namespace is not None:
        return namespace
    if ctx.project is not None and ctx.module_name:
        found = ctx.project.definition(path)
        if found is not None and found.kind == "function" and not CELERY_TASK_DECORATORS.isdisjoint(found.bases):
            return _CELERY_TASK
    return None


def _namespace(path: str) -> ReceiverType | None:
    for prefix, one_class, receiver in NAMESPACES:
        if not path.startswith(prefix):
            continue
        below = path[len(prefix) :].split(".")
        if not one_class or (below[-1][:1].isupper() and all(part.islower() for part in below[:-1])):
            return receiver
    return None


def _typed_call(
    ctx: FileContext, receiver: ReceiverType, written: str, method: str, call: cst.Call
) -> BlockingCall | None:
    if not receiver.blocks(method) or (method in receiver.path_methods and not _names_a_path(ctx, call)):
        return None
    shown = receiver.label or written or "(...)"
    return BlockingCall(receiver.code_for(method), f"{shown}.{method}()", receiver.alternative_for(method, written))


def _names_a_path(ctx: FileContext, call: cst.Call) -> bool:
    """The call's first argument is evidently a file path (PATH_ARGUMENT)."""
    first = next((arg.value for arg in call.args if arg.keyword is None and not arg.star), None)
    if first is None:
        first = next(
            (arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value in _PATH_KEYWORDS), None
        )
    if isinstance(first, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    return first is not None and ctx.instance_type(first) in _PATH_TYPES


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


def _function_call(ctx: FileContext, qualname: str, name: str, call: cst.Call, user: UserCalls) -> BlockingCall | None:
    verdict = user.verdict(qualname)
    if verdict is False or (qualname in CONNECT_WHEN_GIVEN_HOST and not call.args):
        return None
    if qualname in PATH_ARGUMENT and not _names_a_path(ctx, call):
        return None
    entry = FUNCTIONS.get(qualname)
    display = qualname.removeprefix("builtins.")
    if entry is not None:
        return BlockingCall(entry.code, f"{display}()", entry.alternative.format(name=name))
    if verdict:
        return _user_listed(display)
    return None


def _method_call(ctx: FileContext, type_name: str, method: str, call: cst.Call, user: UserCalls) -> BlockingCall | None:
    verdict = user.verdict(f"{type_name}.{method}")
    if verdict is False:
        return None
    receiver = receiver_type(type_name) or _inherited_receiver(ctx, type_name, method)
    if receiver is not None:
        found = _typed_call(ctx, receiver, _written(call), method, call)
        if found is not None:
            return found
    if verdict:
        return _user_listed(f"{type_name}.{method}")
    return None


def _inherited_receiver(ctx: FileContext, type_name: str, method: str) -> ReceiverType | None:
    """The client type a project class inherits `method` from (`class Cache(redis.Redis)`), when no
    project class of its bases defines the method itself (then its own body decides, for FAP406)."""
    if not ctx.is_project_name(type_name) or ctx.defines_method(type_name, method):
        return None
    return next(filter(None, map(receiver_type, ctx.library_bases(type_name))), None)


def _written(call: cst.Call) -> str:
    """The receiver of a method call as written, when it is short and on one line (`pwd_context`,
    `self.s3`, `AsyncResult(task_id)`); else ''."""
    assert isinstance(call.func, cst.Attribute)
    text = _EMPTY_MODULE.code_for_node(call.func.value)
    return text if len(text) <= 40 and "\n" not in text else ""


_EMPTY_MODULE = cst.Module([])


def _user_listed(display: str) -> BlockingCall:
    return BlockingCall(USER_LISTED, f"{display}()", f"'await asyncio.to_thread({display}, ...)'")


def receiver_type(type_name: str) -> ReceiverType | None:
    """The blocking type of a value: its own, or the nearest `derived` type it was obtained from."""
    exact = RECEIVERS.get(type_name) or _boto3_stub(type_name) or _namespace(type_name)
    if exact is not None:
        return exact
    found = _nearest_receiver(type_name, 2)
    return found if found is not None and found.derived else None


def _nearest_receiver(name: str, shortest: int) -> ReceiverType | None:
    """The receiver type of the longest proper prefix of `name` with at least `shortest` parts."""
    parts = name.split(".")
    for end in range(len(parts) - 1, shortest - 1, -1):
        found = RECEIVERS.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


def _boto3_stub(type_name: str) -> ReceiverType | None:
    """A type of the `mypy_boto3_<service>` stub packages: `S3Client`, `S3ServiceResource`, `Bucket`, a waiter.

    Paginators (lazy until iterated), type definitions and literals are not clients.
    """
    if not type_name.startswith("mypy_boto3_"):
        return None
    module, _, name = type_name.rpartition(".")
    if name.endswith("Waiter"):
        return _BOTO3_WAITER
    if name.endswith("Client"):
        return _BOTO3_CLIENT
    if name.endswith("ServiceResource") or (".service_resource" in module and name[:1].isupper()):
        return _BOTO3_RESOURCE
    return None
