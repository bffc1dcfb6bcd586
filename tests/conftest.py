from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory that is also the current directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


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
