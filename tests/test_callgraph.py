"""FAP406 follows blocking calls through project functions across files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import FIXTURES, write

runner = CliRunner()
PROJECT = FIXTURES / "rules" / "FAP406"


def concise(*args: str) -> list[str]:
    result = runner.invoke(app, ["--output-format", "concise", "-q", "--select", "FAP406", *args])
    return result.output.splitlines()


def test_the_message_names_the_whole_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    lines = concise("app/api/routes/orders.py")
    assert lines[3] == (
        "app/api/routes/orders.py:36:5: FAP406 async 'reports_now' calls a blocking chain: "
        "nightly (app/services/reports.py) -> build_report (app/services/reports.py) -> "
        "upload (app/clients/storage.py) -> boto3.client(...).put_object(); "
        "offload it with 'await asyncio.to_thread(...)' or make the chain async"
    )


def test_one_changed_file_still_follows_other_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    assert len(concise("app/api/routes/orders.py")) == 8
    assert len(concise(".")) == 10  # one more in reexport.py, one in a route defined in tests/


def test_a_chain_ends_when_the_helper_is_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "app/services/slow.py": "import time\n\ndef wait() -> None:\n    time.sleep(1)\n",
        "app/api/routes/x.py": "from app.services.slow import wait\n\nasync def h() -> None:\n    wait()\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    assert concise() == [
        "app/api/routes/x.py:4:5: FAP406 async 'h' calls a blocking chain: wait (app/services/slow.py) -> "
        "time.sleep(); offload it with 'await asyncio.to_thread(...)' or make the chain async"
    ]
    (tmp_path / "app/services/slow.py").write_text(
        "import asyncio\n\nasync def wait() -> None:\n    await asyncio.sleep(1)\n"
    )
    assert concise() == []


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules whose functions FAP406 read by parsing them."""
    from fapcheck.semantic import callgraph as callgraph_module

    names: list[str] = []
    original = callgraph_module.collect_function_facts

    def reading(path: Path, *rest: object) -> object:
        names.append(path.name)
        return original(path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(callgraph_module, "collect_function_facts", reading)
    return names


def test_a_class_call_or_a_missing_method_reads_no_module(project: Path, read: list[str]) -> None:
    schema = "class UserOut:\n    def __init__(self, name: str) -> None:\n        open(name)\n"
    calls = "    UserOut('a')\n    UserOut.model_validate({})\n"
    imports = "from app.schemas.user import UserOut\n\n"
    write(
        project,
        {"app/schemas/user.py": schema, "app/api/routes/x.py": f"{imports}async def h():\n{calls}"},
    )
    assert concise("--no-cache") == []
    assert read == []


def test_function_facts_of_other_modules_come_from_the_cache(project: Path, read: list[str]) -> None:
    route = (
        "from app.services.slow import wait\nfrom app.services.mixed import pause\n\n"
        "async def h() -> None:\n    wait()\n    pause()\n"
    )
    mixed = "import time\n\ndef pause() -> None:\n    time.sleep(1)\n\nasync def later() -> None: ...\n"
    files = {
        "app/services/slow.py": "import time\n\ndef wait() -> None:\n    time.sleep(1)\n",  # no rule parses it
        "app/services/mixed.py": mixed,
        "app/api/routes/x.py": route,
    }
    write(project, files)
    first = concise()
    assert len(first) == 2
    assert read == ["slow.py"]  # mixed.py's were gathered in its own check
    stdin = runner.invoke(
        app,
        ["--output-format", "concise", "-q", "--select", "FAP406", "--stdin-filename", "app/api/routes/x.py", "-"],
        input=route + "\n# edited\n",  # a buffer the cache has no result for: checked, with stored facts
    )
    assert stdin.output.splitlines() == first
    assert read == ["slow.py"]  # both modules' function facts came from the cache


def test_a_module_parsed_for_another_rule_gives_its_function_facts(project: Path, read: list[str]) -> None:
    service = (
        "import time\nfrom fastapi import HTTPException\n\n"
        "def wait() -> None:\n    time.sleep(1)\n    raise HTTPException(404)\n"
    )
    route = "from app.services.slow import wait\n\nasync def h() -> None:\n    wait()\n"
    write(project, {"app/services/slow.py": service, "app/api/routes/x.py": route})
    result = runner.invoke(
        app, ["--output-format", "concise", "-q", "--no-cache", "--select", "FAP301,FAP406", "-j", "1"]
    )
    codes = [line.split()[1] for line in result.output.splitlines()]
    assert sorted(codes) == ["FAP301", "FAP406"]
    assert read == []  # learnt in the walk that checked slow.py for FAP301, not parsed again


def test_the_catalog_names_every_rule_that_learns() -> None:
    from fapcheck.catalog import CATALOG
    from fapcheck.rules import rule_class

    for spec in CATALOG:
        assert spec.learns == ("learner" in vars(rule_class(spec.code))), spec.code


def test_facts_learnt_in_one_directory_serve_a_run_from_another(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    helpers = (
        "import time\n\nfrom fastapi import Depends, HTTPException\n\n\ndef pause():\n    time.sleep(1)\n\n\n"
        "def dep(x=Depends(pause)):\n    raise HTTPException(404)\n"
    )
    route = "from fastapi import APIRouter\n\nfrom app.helpers import pause\n\nrouter = APIRouter()\n\n\n"
    route += "@router.get('/')\nasync def r():\n    pause()\n"
    write(project, {"pyproject.toml": "[tool.fapcheck]\n", "app/__init__.py": "", "app/helpers.py": helpers})
    write(project, {"app/routes.py": route})
    first = runner.invoke(app, ["--output-format", "concise", "-q"])  # helpers.py is parsed for FAP5xx
    assert "pause (app/helpers.py) -> time.sleep()" in first.output
    write(project, {"app/routes.py": route + "# edited\n"})
    monkeypatch.chdir(project / "app")
    again = runner.invoke(app, ["--output-format", "concise", "-q", "routes.py"])
    assert "pause (app/helpers.py) -> time.sleep()" in again.output
