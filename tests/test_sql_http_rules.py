"""What the SQL and HTTP layer rules decide beyond their fixtures: SQL shape, and facts from other files."""

from __future__ import annotations

from pathlib import Path

import pytest

from fapcheck.api import lint_paths, lint_source
from fapcheck.config import Config
from fapcheck.rules._sql import looks_like_sql
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.symbols import Binding

from conftest import write


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 1",
        "select id from orders",
        "select now()",
        "  -- newest first\n  select * from orders",
        "/* totals */ WITH t AS (SELECT 1) SELECT * FROM t",
        "with recent as (select 1) select * from recent",
        "(SELECT 1) UNION (SELECT 2)",
        "insert into orders values (1)",
        "update orders set total = 0",
        "delete from orders",
        "DELETE orders",
        "create table orders (id int)",
        "TRUNCATE orders",
    ],
)
def test_sql_strings(text: str) -> None:
    assert looks_like_sql(text)


@pytest.mark.parametrize(
    "text",
    ["Select a report", "Selection of orders", "please select an order", "Update your profile", "Delete the item", ""],
)
def test_strings_that_are_not_sql(text: str) -> None:
    assert not looks_like_sql(text)


# What the project index is expected to answer for `app/api/deps.py` below, in the shape the
# tracker itself gives same-file definitions.
DEPS_FACTS = {
    "app.api.deps.SessionDep": Binding("import", "sqlmodel.Session", depends="app.api.deps.get_db"),
    "app.api.deps.get_db": Binding("def", "app.api.deps.get_db", returns="sqlmodel.Session"),
    "app.errors.credentials_error": Binding("instance", "fastapi.HTTPException"),
}

CROSS_FILE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/deps.py": (
        "from collections.abc import Generator\n"
        "from typing import Annotated\n"
        "from fastapi import Depends\n"
        "from sqlmodel import Session\n"
        "def get_db() -> Generator[Session, None, None]:\n"
        "    yield Session()\n"
        "SessionDep = Annotated[Session, Depends(get_db)]\n"
    ),
    "app/errors.py": "from fastapi import HTTPException\ncredentials_error = HTTPException(401)\n",
    "app/api/routes/items.py": (
        "from fastapi import APIRouter, Depends\n"
        "from app.api.deps import SessionDep, get_db\n"
        "router = APIRouter()\n"
        "@router.get('/items')\n"
        "def read_items(session: SessionDep, db=Depends(get_db)) -> None:\n"
        "    session.exec('x')\n"
        "    db.commit()\n"
    ),
    "app/services/auth.py": (
        "from app.errors import credentials_error\ndef check(token: str) -> None:\n    raise credentials_error\n"
    ),
}


def _codes(root: Path) -> list[tuple[str, int, str]]:
    config = Config(root=root, select=("FAP202", "FAP301"))
    return [(f.path, f.line, f.code) for f in lint_paths([root], config).findings]


def test_names_from_other_files_resolve_once_the_index_knows_them(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, CROSS_FILE)
    monkeypatch.setattr(ProjectIndex, "binding_for", lambda self, qualname: DEPS_FACTS.get(qualname))
    assert _codes(project) == [
        ("app/api/routes/items.py", 6, "FAP202"),
        ("app/api/routes/items.py", 7, "FAP202"),
        ("app/services/auth.py", 3, "FAP301"),
    ]


def test_sql_in_template_bytes_and_odd_strings() -> None:
    source = (
        "def handler(connection):\n"
        '    connection.execute(t"SELECT * FROM orders WHERE id = {order_id}")\n'
        '    connection.execute(b"DELETE FROM orders")\n'
        '    connection.execute("\\N{NO SUCH NAME} select 1")\n'
    )
    findings = lint_source(source, "app/api/routes/orders.py", Config(select=("FAP201",)))
    assert [(f.line, f.code) for f in findings] == [(2, "FAP201"), (3, "FAP201")]


def test_messages_call_a_helper_of_a_route_module_a_route_module_function() -> None:
    source = (
        "from fastapi import APIRouter\n"
        "from sqlalchemy import select\n"
        "from sqlalchemy.orm import Session\n"
        "router = APIRouter()\n"
        "def build(session: Session):\n"
        "    session.commit()\n"
        "    return select(1)\n"
        "@router.get('/')\n"
        "def read(session: Session):\n"
        "    session.commit()\n"
        "    return select(1)\n"
        "query = select(1)\n"
    )
    findings = lint_source(source, "app/api/routes/orders.py", Config(select=("FAP201", "FAP202")))
    assert [(f.line, f.code, f.message.split(": ", 1)[0]) for f in findings] == [
        (6, "FAP202", "session.commit() in route module function 'build'"),
        (7, "FAP201", "SQL construct select() in route module function 'build'"),
        (10, "FAP202", "session.commit() in route 'read'"),
        (11, "FAP201", "SQL construct select() in route 'read'"),
        (12, "FAP201", "SQL construct select() in route module"),
    ]
