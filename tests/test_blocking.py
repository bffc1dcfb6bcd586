"""The blocking-call rules beyond the fixtures: messages, the reusable classifier, user call lists."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from typer.testing import CliRunner

from fapcheck import lint_source
from fapcheck.api import lint_paths
from fapcheck.cli import app
from fapcheck.config import Config
from fapcheck.semantic.calls import BlockingCall, UserCalls, blocking_call, user_calls
from fapcheck.semantic.context import FileContext

from conftest import FIXTURES, write

runner = CliRunner()


def test_message_names_the_call_the_function_and_the_alternative() -> None:
    source = "import time\n\nasync def sync_orders() -> None:\n    time.sleep(1)\n"
    [finding] = lint_source(source, "app/services/orders.py", Config(select=("FAP4",)))
    assert finding.code == "FAP402"
    assert finding.message == (
        "time.sleep() blocks the event loop in async def 'sync_orders'; use 'await asyncio.sleep()'"
    )


def test_sync_session_work_in_a_route_handler_is_told_to_make_the_route_a_plain_def(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURES / "rules" / "FAP405")
    findings = lint_paths(["app/api/routes/items.py"], Config(root=Path.cwd(), select=("FAP405",))).findings
    route = "make the route a plain 'def' (FastAPI runs it in a thread pool) or move to 'AsyncSession'"
    assert [(f.line, f.message.partition("; ")[2]) for f in findings] == [
        (14, route),
        (19, route),  # an untyped `db=Depends(get_db)`
        (35, "use an AsyncSession: 'await session.commit()'"),  # a function nested in the handler
        (42, "use create_async_engine() and 'async with engine.connect()'"),  # not a session
        (47, "use an AsyncSession: 'await session.get()'"),  # a dependency, not a route handler
    ]
    assert findings[0].message == f"Session.scalars() blocks the event loop in async def 'list_items'; {route}"


class _Collect(cst.CSTVisitor):
    """Drives the context tracker as the engine does, and asks the classifier about every call."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.found: list[tuple[str, BlockingCall]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.ctx.enter(node)
        if isinstance(node, cst.Call):
            found = blocking_call(self.ctx, node)
            if found is not None:
                self.found.append((self.ctx.function_name, found))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.ctx.leave(original_node)


def classify(source: str) -> list[tuple[str, BlockingCall]]:
    collector = _Collect(FileContext("m.py", "unmapped", "app.m", False))
    cst.parse_module(source).visit(collector)
    return collector.found


def test_classifier_knows_blocking_calls_in_sync_code_too() -> None:
    found = classify(
        "from time import sleep as nap\nimport httpx\n\n"
        "def helper() -> None:\n    nap(1)\n    with httpx.Client() as c:\n        c.get('u')\n"
    )
    assert found == [
        ("helper", BlockingCall("FAP402", "time.sleep()", "'await asyncio.sleep()'")),
        ("helper", BlockingCall("FAP401", "httpx.Client.get()", "'await httpx.AsyncClient().get()'")),
    ]


@pytest.mark.parametrize(
    "source",
    [
        "import time\ntime.monotonic()\ntime.perf_counter()\n",
        "import os.path\nos.path.join('a', 'b')\nos.path.exists('a')\n",
        "import socket\nsocket.socket(socket.AF_INET, socket.SOCK_STREAM)\n",
        "import select\nselect.select([], [], [], 0)\n",
        "import anyio\nanyio.run_process(['ls'])\nanyio.Path('x').read_text()\n",
        "import aiofiles\naiofiles.open('x')\n",
        "import httpx\nhttpx.AsyncClient().get('u')\n",
        "import asyncio\nasyncio.create_subprocess_exec('ls')\n",
        "class Archive:\n    @classmethod\n    def open(cls): ...\nArchive.open()\n",
        "def f(open):\n    open('x')\n",
        "from pathlib import Path\nPath('x').exists()\nPath('x').is_file()\n",
        "import smtplib\nsmtplib.SMTP()\n",
        # library traps: local work, in-memory buffers, unknown receivers, fast hashes
        "import stripe\nstripe.Webhook.construct_event(b'', 's', 'k')\nstripe.Customer.create_async(email='e')\n",
        "import io, zipfile\nzipfile.ZipFile(io.BytesIO(b''))\n",
        "from PIL import Image\nimport io\nImage.open(io.BytesIO(b'')).save(io.BytesIO())\n",
        "def f(data):\n    from PIL import Image\n    Image.open(data)\n",
        "def f(task, queue):\n    task.delay()\n    queue.apply_async()\n",
        "import hashlib, hmac\nhashlib.sha256(b'x')\nhmac.new(b'k', b'm', 'sha256')\n",
        "import tempfile\ntempfile.gettempdir()\ntempfile.SpooledTemporaryFile()\ntempfile.mktemp()\n",
        "import os, shutil\nos.stat('x')\nos.fdopen(3)\nshutil.which('ls')\nshutil.disk_usage('/')\n",
        "import boto3\nboto3.client('s3').meta.events.register('x', print)\n",
        "from mypy_boto3_s3.paginator import ListObjectsV2Paginator\n"
        "def f(p: ListObjectsV2Paginator):\n    p.paginate(Bucket='b')\n",
    ],
)
def test_never_blocking(source: str) -> None:
    assert classify(source) == []


def test_user_lists_longest_entry_wins_and_allow_wins_a_tie() -> None:
    user = UserCalls(extend=("mylib", "os.path.exists"), allow=("mylib.cache", "os.path"))
    assert user.verdict("mylib.fetch") is True
    assert user.verdict("mylib.cache.get") is False
    assert user.verdict("os.path.exists") is True
    assert user.verdict("os.path.join") is False
    assert user.verdict("mylibrary.x") is None
    assert UserCalls(extend=("a.b",), allow=("a.b",)).verdict("a.b") is False
    assert user_calls(("x",), ()) is user_calls(("x",), ())


def test_extend_and_allow_calls_from_pyproject(project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": (
                "[tool.fapcheck]\nselect = ['FAP4']\n\n[tool.fapcheck.blocking]\n"
                "extend-calls = ['app.storage.upload_sync']\nallow-calls = ['time.sleep']\n"
            ),
            "app/__init__.py": "",
            "app/storage.py": "def upload_sync(key: str) -> None: ...\n",
            "app/jobs.py": (
                "import time\nfrom app.storage import upload_sync\n\n"
                "async def job() -> None:\n    upload_sync('k')\n    time.sleep(1)\n"
            ),
        },
    )
    result = runner.invoke(app, ["--output-format", "concise", "."])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        "app/jobs.py:5:5: FAP401 app.storage.upload_sync() blocks the event loop in async def 'job'; "
        "use 'await asyncio.to_thread(app.storage.upload_sync, ...)'"
    )
    assert len(lines) == 2  # the finding and the summary: time.sleep is allowed


@pytest.mark.parametrize(
    ("source", "code", "call"),
    [
        ("import os\nos.listdir('.')\n", "FAP403", "os.listdir()"),
        ("from os import makedirs as md\nmd('x')\n", "FAP403", "os.makedirs()"),
        ("import tempfile as t\nt.NamedTemporaryFile()\n", "FAP403", "tempfile.NamedTemporaryFile()"),
        ("from pathlib import Path\nimport zipfile\nzipfile.ZipFile(Path('a.zip'))\n", "FAP403", "zipfile.ZipFile()"),
        ("import PIL.Image\nPIL.Image.open('a.png')\n", "FAP403", "PIL.Image.open()"),
        ("import stripe as s\ns.Refund.create(charge='c')\n", "FAP401", "s.Refund.create()"),
        (
            "from stripe import StripeClient\nStripeClient('k').v1.refunds.list()\n",
            "FAP401",
            "StripeClient('k').v1.refunds.list()",
        ),
        (
            "import slack_sdk\nslack_sdk.WebClient().chat_postMessage(channel='c')\n",
            "FAP401",
            "slack_sdk.WebClient.chat_postMessage()",
        ),
        (
            "from mypy_boto3_s3.client import S3Client\ndef f(c: S3Client):\n    c.head_object(Bucket='b')\n",
            "FAP401",
            "boto3.client(...).head_object()",
        ),
        ("from redis.cluster import RedisCluster\nRedisCluster().get('k')\n", "FAP401", "redis.Redis.get()"),
        (
            "from elasticsearch import Elasticsearch\nElasticsearch().search(index='i')\n",
            "FAP405",
            "elasticsearch.Elasticsearch.search()",
        ),
        ("import bcrypt as b\nb.checkpw(b'p', b'h')\n", "FAP407", "bcrypt.checkpw()"),
        ("from passlib.hash import bcrypt\nbcrypt.hash('p')\n", "FAP407", "bcrypt.hash()"),
        (
            "from argon2 import PasswordHasher\nPasswordHasher().verify('h', 'p')\n",
            "FAP407",
            "PasswordHasher().verify()",
        ),
        ("from PIL import Image\nImage.new('RGB', (1, 1)).rotate(90)\n", "FAP407", "PIL.Image.Image.rotate()"),
    ],
)
def test_library_calls(source: str, code: str, call: str) -> None:
    [(_, found)] = classify(source)
    assert (found.code, found.call) == (code, call)


def test_cpu_bound_rule_is_off_by_default_and_selected_by_its_code() -> None:
    source = "import bcrypt\n\nasync def login(p: bytes, h: bytes) -> bool:\n    return bcrypt.checkpw(p, h)\n"
    assert lint_source(source, "app/services/auth.py", Config()) == []
    assert lint_source(source, "app/services/auth.py", Config(select=("FAP4",))) == []
    [finding] = lint_source(source, "app/services/auth.py", Config(extend_select=("FAP407",)))
    assert finding.code == "FAP407"
    assert finding.message == (
        "bcrypt.checkpw() is CPU-bound work on the event loop in async def 'login'; "
        "use 'await asyncio.to_thread(bcrypt.checkpw, ...)'"
    )
    assert lint_source(source, "app/services/auth.py", Config(select=("FAP407",), ignore=("FAP4",))) != []


_IN_TESTS = "import time\n\nasync def test_waits() -> None:\n    time.sleep(1)\n"


@pytest.mark.parametrize(
    "path", ["tests/test_orders.py", "test/helpers.py", "scripts/seed.py", "app/conftest.py", "app/orders_test.py"]
)
def test_tests_and_scripts_are_not_the_app(path: str) -> None:
    assert lint_source(_IN_TESTS, path, Config()) == []
    [finding] = lint_source(_IN_TESTS, path, Config(check_tests_and_scripts=True))
    assert finding.code == "FAP402"


def test_tests_mapped_to_a_layer_by_configuration_are_the_app() -> None:
    config = Config(extend_layers=(("service", ("tests/**",)),))
    assert [f.code for f in lint_source(_IN_TESTS, "tests/test_orders.py", config)] == ["FAP402"]
