"""FAP603's advice names an async driver of the URL's own dialect, wherever the URL literal is held."""

from __future__ import annotations

import pytest

from fapcheck.api import lint_paths, lint_source
from fapcheck.config import Config

from conftest import FIXTURES


@pytest.mark.parametrize(
    ("url", "advice"),
    [
        ("postgresql://app@db/app", "use an async driver of postgresql (+asyncpg or +psycopg)"),
        ("postgresql+psycopg2://app@db/app", "use an async driver of postgresql (+asyncpg or +psycopg)"),
        ("sqlite:///./app.db", "use an async driver of sqlite (+aiosqlite)"),
        ("sqlite+pysqlite:///./app.db", "use an async driver of sqlite (+aiosqlite)"),
        ("mysql+pymysql://app@db/app", "use an async driver of mysql (+aiomysql or +asyncmy)"),
        ("mariadb://app@db/app", "use an async driver of mariadb (+aiomysql or +asyncmy)"),
        ("mssql+pyodbc://app@db/app", "use an async driver of mssql (+aioodbc)"),
    ],
)
def test_the_advice_is_a_driver_of_the_urls_dialect(url: str, advice: str) -> None:
    source = f"from sqlalchemy.ext.asyncio import create_async_engine\nengine = create_async_engine({url!r})\n"
    [finding] = lint_source(source, "app/db.py", Config(select=("FAP603",)))
    assert finding.message.endswith(f": {advice}")


def test_a_held_url_is_named_with_its_holder() -> None:
    root = FIXTURES / "rules" / "FAP603"
    findings = lint_paths([root / "app" / "db" / "session.py"], Config(root=root, select=("FAP603",))).findings
    messages = {f.line: f.message for f in findings}
    assert messages[10] == (
        "create_async_engine given the synchronous driver URL 'sqlite://' held in 'settings.SQLITE_URL': "
        "use an async driver of sqlite (+aiosqlite)"
    )
    assert "asyncpg" not in messages[10]
