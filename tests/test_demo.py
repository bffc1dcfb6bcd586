"""The demo project of README command 1: its findings are kept here, not as markers in the code a user reads."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import REPO

runner = CliRunner()

# (file under fixtures/demo/app, line, code): one or more of each family the product exists for.
DEMO_FINDINGS = [
    ("api/deps.py", 15, "FAP503"),  # a provider's session parameter without Depends, where the fix goes
    ("api/routes/orders.py", 13, "FAP101"),  # a route imports a repository
    ("api/routes/orders.py", 25, "FAP202"),  # session work in a route
    ("api/routes/orders.py", 25, "FAP201"),  # SQL in a route
    ("api/routes/orders.py", 47, "FAP406"),  # a blocking call behind a service and a client
    ("api/routes/orders.py", 59, "FAP401"),  # a blocking call in the async def itself
    ("repositories/orders.py", 5, "FAP102"),  # a repository imports a service
    ("schemas/order.py", 3, "FAP102"),
    ("services/orders.py", 1, "FAP103"),  # a service imports the web framework
    ("services/orders.py", 21, "FAP301"),  # and raises HTTPException
]


def test_demo_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["fixtures/demo", "--no-cache", "--output-format", "json"])
    assert result.exit_code == 1
    got = [(f["path"].removeprefix("fixtures/demo/app/"), f["line"], f["code"]) for f in json.loads(result.output)]
    assert got == DEMO_FINDINGS


def test_the_demo_carries_no_test_markers() -> None:
    for path in (REPO / "fixtures" / "demo").rglob("*.py"):
        assert "# expect:" not in path.read_text(encoding="utf-8"), path


def _readme_block(opening: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(opening) + r"\n(.*?)```\n", readme, re.DOTALL)
    assert match is not None, opening
    return match.group(1)


def test_the_readme_shows_the_demo_as_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    concise = runner.invoke(app, ["fixtures/demo", "--no-cache", "--output-format", "concise"]).output
    assert _readme_block("```console\n$ fapcheck fixtures/demo --output-format concise") == concise
    assert _readme_block("```mermaid") == runner.invoke(app, ["graph", "fixtures/demo"]).output
