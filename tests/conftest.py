from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory that is also the current directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def checkout_env() -> dict[str, str]:
    """The environment of a fapcheck subprocess: this checkout's sources, whichever fapcheck is installed; no colour."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    return env


def run_fapcheck(*args: str, cwd: Path | None = None, stdin: str | bytes | None = None, text: bool = True) -> Any:
    """`python -m fapcheck ARGS` as a real process (CompletedProcess of str, or of bytes with text=False)."""
    return subprocess.run(
        [sys.executable, "-m", "fapcheck", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=text,
        env=checkout_env(),
        check=False,
        timeout=300,
    )


def aged(root: Path) -> None:
    """Directories and files changed in the last seconds are never trusted by the cache (their mtime may move)."""
    past = time.time() - 60
    for directory, _, files in os.walk(root):
        os.utime(directory, (past, past))
        for name in files:  # files read for cross-module facts are vouched for by their stamp too
            os.utime(os.path.join(directory, name), (past, past))


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# A project with the three upper layers; a test adds its route file (app/api/routes/users.py).
LAYERED_PROJECT = {
    "app/__init__.py": "",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": "class UserRepository: ...\n",
    "app/services/__init__.py": "",
    "app/services/users.py": "class UserService: ...\n",
    "app/api/__init__.py": "",
    "app/api/routes/__init__.py": "",
}
