"""FAP406 follows blocking calls through project functions across files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import FIXTURES

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
        "nightly (app/services/reports.py:12) -> build_report (app/services/reports.py:8) -> "
        "upload (app/clients/storage.py:8) -> boto3.client(...).put_object(); "
        "offload it with 'await asyncio.to_thread(...)' or make the chain async"
    )


def test_one_changed_file_still_follows_other_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    assert len(concise("app/api/routes/orders.py")) == 8
    assert len(concise(".")) == 9  # one more in reexport.py


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
        "app/api/routes/x.py:4:5: FAP406 async 'h' calls a blocking chain: wait (app/services/slow.py:3) -> "
        "time.sleep(); offload it with 'await asyncio.to_thread(...)' or make the chain async"
    ]
    (tmp_path / "app/services/slow.py").write_text(
        "import asyncio\n\nasync def wait() -> None:\n    await asyncio.sleep(1)\n"
    )
    assert concise() == []


def test_a_class_call_or_a_missing_method_reads_no_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fapcheck.engine import runner as engine_runner

    files = {
        "app/schemas/user.py": "class UserOut:\n    def __init__(self, name: str) -> None:\n        open(name)\n",
        "app/api/routes/x.py": (
            "from app.schemas.user import UserOut\n\n"
            "async def h() -> None:\n    UserOut('a')\n    UserOut.model_validate({})\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    read: list[Path] = []
    original = engine_runner.collect_function_facts
    monkeypatch.setattr(
        engine_runner, "collect_function_facts", lambda path, *a: read.append(path) or original(path, *a)
    )
    assert concise("--no-cache") == []
    assert read == []
