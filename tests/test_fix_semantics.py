"""Fixes never change what working code does: fixed code is run with the real SQLAlchemy and aiosqlite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_fapcheck, write

pytest.importorskip("sqlalchemy.ext.asyncio")
pytest.importorskip("aiosqlite")

ITEMS = """\
import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


async def add(session: AsyncSession, name: str) -> None:
    session.add(Item(name=name))
    session.commit()


async def names(session: AsyncSession) -> list[str]:
    pending = session.execute(select(Item.name).order_by(Item.name))
    rows = await pending
    return list(rows.scalars())


async def count(session: AsyncSession) -> int:
    return session.scalars(select(func.count(Item.id))).one()


def later(session: AsyncSession):
    return session.scalar(select(func.count(Item.id)))


async def main(url: str) -> tuple[list[str], int, list[int]]:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    factory = async_sessionmaker(engine, expire_on_commit=False)
    async with factory() as session:
        await add(session, "b")
        await add(session, "a")
    async with factory() as one, factory() as two, factory() as three:
        listed = await names(one)
        counted = await count(two)
        task = asyncio.create_task(three.scalar(select(func.count(Item.id))))
        gathered = await asyncio.gather(task, later(one))
    await engine.dispose()
    return listed, counted, gathered
"""


def run_main(project: Path) -> str:
    url = f"sqlite+aiosqlite:///{project / 'items.db'}"
    code = f"import asyncio, items; print(asyncio.run(items.main({url!r})))"
    result = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", code],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_fixed_session_code_runs_and_stored_or_gathered_coroutines_are_left_alone(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.fapcheck]\nselect = ['FAP602']\n", "items.py": ITEMS})
    found = run_fapcheck("--output-format", "concise", "-q", "--no-cache", "items.py", cwd=tmp_path)
    assert [line.split(":")[1] for line in found.stdout.splitlines()] == ["20", "30"]  # dropped; used as a result

    fixed = run_fapcheck("--fix", "--no-cache", "items.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    source = (tmp_path / "items.py").read_text(encoding="utf-8")
    assert "    await session.commit()\n" in source
    assert "return (await session.scalars(select(func.count(Item.id)))).one()" in source
    assert (
        source.replace("await session.commit()", "session.commit()").replace(
            "(await session.scalars(select(func.count(Item.id)))).one()",
            "session.scalars(select(func.count(Item.id))).one()",
        )
        == ITEMS
    )
    assert run_main(tmp_path) == "(['a', 'b'], 2, [2, 2])"


SLEEPERS = {
    "grouped.py": '''\
#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Imports in groups, after a docstring and a `__future__` import."""

from __future__ import annotations

import json
import time

import sqlalchemy


async def main() -> None:
    time.sleep(0)
    print(json.dumps(sqlalchemy.__name__))
''',
    "third_party_only.py": """\
#!/usr/bin/env python3
from time import sleep as nap

import sqlalchemy


async def main() -> None:
    nap(0)
    print(sqlalchemy.__name__)
""",
    "type_checking.py": """\
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio


async def main() -> None:
    time.sleep(0)
    timer: asyncio.Timeout | None = None
    print(timer, time.monotonic())
""",
}
FIXED_GROUPED = '''\
#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Imports in groups, after a docstring and a `__future__` import."""

from __future__ import annotations

import asyncio
import json

import sqlalchemy


async def main() -> None:
    await asyncio.sleep(0)
    print(json.dumps(sqlalchemy.__name__))
'''


def ruff_findings(path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,I", "--output-format", "concise", path],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode else ""


@pytest.mark.parametrize("name", sorted(SLEEPERS))
def test_added_imports_sit_where_ruff_wants_them_and_unused_ones_go(name: str, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.fapcheck]\nselect = ['FAP402']\n", name: SLEEPERS[name]})
    path = tmp_path / name
    assert ruff_findings(path) == ""
    fixed = run_fapcheck("--fix", "--no-cache", name, cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    source = path.read_text(encoding="utf-8")
    assert "await asyncio.sleep(0)" in source
    assert ruff_findings(path) == "", source
    if name == "grouped.py":
        assert source == FIXED_GROUPED
    ran = subprocess.run(
        [sys.executable, "-c", f"import asyncio, {path.stem}; asyncio.run({path.stem}.main())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
