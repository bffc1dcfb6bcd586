"""The project index: facts of other modules, found lazily, followed through re-exports."""

from __future__ import annotations

import pickle
from pathlib import Path

import libcst as cst

from fapcheck.config import Config
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.facts import module_facts
from fapcheck.semantic.index import ProjectIndex

from conftest import REPO, write

PROJECT = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/db.py": (
        "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n"
        "engine = create_async_engine('postgresql+asyncpg://x')\n"
        "SessionLocal = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def get_db():\n"
        "    async with SessionLocal() as session:\n"
        "        yield session\n"
    ),
    "app/api/__init__.py": "",
    "app/api/deps.py": (
        "from typing import Annotated\n"
        "from fastapi import Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "from app.core.db import get_db\n"
        "from app.services import UserService\n"
        "SessionDep = Annotated[AsyncSession, Depends(get_db)]\n"
        "def get_user_service(session: SessionDep, limit: int = 10) -> UserService:\n"
        "    return UserService(session)\n"
    ),
    "app/api/router.py": "from fastapi import APIRouter\nrouter = APIRouter()\n",
    "app/services/__init__.py": "from app.services.users import UserService as UserService\n",
    "app/services/users.py": (
        "class UserService:\n    def __init__(self, session):\n        self.session = session\n"
        "    def list(self):\n        return []\n"
    ),
}


def index_of(root: Path) -> ProjectIndex:
    write(root, PROJECT)
    return ProjectIndex(root, Config(root=root).layer_map())


def test_aliases_routers_and_instances_of_other_modules(tmp_path: Path) -> None:
    index = index_of(tmp_path)
    alias = index.binding_for("app.api.deps.SessionDep")
    assert alias is not None
    assert (alias.qualname, alias.depends) == ("sqlalchemy.ext.asyncio.AsyncSession", "app.core.db.get_db")
    router = index.binding_for("app.api.router.router")
    assert router is not None and (router.kind, router.qualname) == ("instance", "fastapi.APIRouter")
    maker = index.binding_for("app.core.db.SessionLocal")
    assert maker is not None and maker.qualname == "sqlalchemy.ext.asyncio.async_sessionmaker"
    assert index.binding_for("app.api.deps.nothing") is None
    assert index.binding_for("fastapi.Depends") is None


def test_definitions_through_re_exports(tmp_path: Path) -> None:
    index = index_of(tmp_path)
    service = index.definition("app.services.UserService")
    assert service is not None
    assert (service.qualname, service.kind, service.layer) == ("app.services.users.UserService", "class", "service")
    assert [p.name for p in service.params] == ["session"]
    provider = index.definition("app.api.deps.get_user_service")
    assert provider is not None and provider.layer == "dependency" and not provider.is_generator
    session = provider.params[0]
    assert (session.type, session.depends) == ("sqlalchemy.ext.asyncio.AsyncSession", "app.core.db.get_db")
    assert provider.uses_depends
    get_db = index.definition("app.api.deps.get_db")
    assert get_db is not None and get_db.is_generator and get_db.is_async


def test_facts_are_picklable_and_pure(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    path = tmp_path / "app/api/deps.py"
    facts = module_facts(path, path.read_bytes(), "app.api.deps", False, "dependency")
    assert pickle.loads(pickle.dumps(facts)) == facts
    assert facts == module_facts(path, path.read_bytes(), "app.api.deps", False, "dependency")
    assert module_facts(path, b"def (:\n", "app.api.deps", False, "dependency").definitions == ()


def test_a_route_sees_a_session_from_an_alias_of_another_module(tmp_path: Path) -> None:
    index = index_of(tmp_path)
    source = (
        "from app.api.deps import SessionDep\n"
        "from app.api.router import router\n"
        "@router.get('/')\n"
        "async def h(session: SessionDep): ...\n"
    )
    ctx = FileContext("app/api/routes.py", "route", "app.api.routes", False, index)
    seen: list[tuple[str, str | None, bool]] = []

    class Probe(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            ctx.enter(node)
            if isinstance(node, cst.FunctionDef):
                binding = ctx.lookup("session")
                assert binding is not None
                seen.append((binding.qualname, binding.depends, ctx.frame.is_route))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            ctx.leave(original_node)

    cst.parse_module(source).visit(Probe())
    assert seen == [("sqlalchemy.ext.asyncio.AsyncSession", "app.core.db.get_db", True)]


def _full_facts(path: Path) -> object:
    from fapcheck.semantic.facts import facts_of_tree

    source = path.read_bytes()
    return facts_of_tree(cst.parse_module(source), str(path), "m", False, "service", b"yield" in source)


SKELETON_TRAPS = {
    "one_line.py": "def f(): return 1\nclass A:\n    def g(self): yield 1\n",
    "split_signature.py": "def f(\n    a: int): return a\n\ndef g(\n    b: int,\n) -> int:\n    return b\n",
    "generators.py": (
        "def gen():\n    x = 1\n    yield x\n"
        "async def agen():\n    yield 1\n"
        "def not_gen():\n    def inner():\n        yield 1\n    return inner\n"
        "def lam():\n    return lambda: (yield)\n"
        "def yield_from():\n    yield from range(3)\n"
    ),
    "nested_blocks.py": (
        "import typing\nif typing.TYPE_CHECKING:\n    def f() -> int:\n        return 1\n"
        "try:\n    from x import y\nexcept ImportError:\n    def y():\n        pass\n"
        "class Service:\n    def __init__(self, session: 'Session') -> None:\n        self.session = session\n"
        "        # trailing comment inside the body\n\n    def m(self):\n\tpass\n"
    ),
    "crlf.py": "def f():\r\n    x = 1\r\n    yield x\r\nclass B:\r\n    pass\r\n",
}


def test_facts_from_a_skeleton_equal_facts_from_the_whole_module(tmp_path: Path) -> None:
    for name, text in SKELETON_TRAPS.items():
        (tmp_path / name).write_bytes(text.encode())
    files = [*tmp_path.glob("*.py"), *(REPO / "fixtures").rglob("*.py"), *(REPO / "src").rglob("*.py")]
    compared = 0
    for path in files:
        try:
            expected = _full_facts(path)
        except Exception:
            continue  # the bad-input fixtures: neither way has facts
        assert module_facts(path, path.read_bytes(), "m", False, "service") == expected, path
        compared += 1
    assert compared > 100
