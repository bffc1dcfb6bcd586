"""Modules resolve as Python's import system resolves them: namespace packages, source roots, any cwd."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, run_fapcheck, write

NAMESPACE = FIXTURES / "projects" / "namespace"


def _findings(cwd: Path, target: Path) -> list[tuple[str, str, str]]:
    """(path relative to the project, position, code and message) of each finding."""
    result = run_fapcheck("--no-cache", "--output-format", "concise", str(target), cwd=cwd)
    assert result.returncode == 1, result.stderr
    found = []
    for line in result.stdout.splitlines()[:-1]:
        path, line_number, column, rest = line.split(":", 3)
        found.append((str((cwd / path).resolve().relative_to(NAMESPACE)), f"{line_number}:{column}", rest))
    return found


def test_a_namespace_package_is_resolved_from_any_directory() -> None:
    route = NAMESPACE / "api/v1/routes/logs.py"
    from_root = _findings(NAMESPACE, route)
    assert [(p, pos) for p, pos, _ in from_root] == [("api/v1/routes/logs.py", n) for n in ("13:12", "18:5", "19:5")]
    assert _findings(NAMESPACE / "api" / "v1", route) == from_root
    assert _findings(NAMESPACE.parent, route) == from_root


SRC_PROJECT = {
    # No __init__.py anywhere: only the configured source root makes `app.services.mail` a module.
    "services/api/app/services/mail.py": "import requests\n\n\ndef send() -> None:\n    requests.post('u')\n",
    "services/api/app/api/routes.py": "from fastapi import APIRouter\n\nfrom app.services.mail import send\n\n"
    "router = APIRouter()\n\n\n@router.post('/x')\nasync def x():\n    send()\n",
}


@pytest.mark.parametrize("src", [None, '["services/api"]'])
def test_configured_source_roots_resolve_imports(project: Path, src: str | None) -> None:
    config = "[tool.fapcheck]\n" + (f"src = {src}\n" if src else "")
    write(project, {**SRC_PROJECT, "pyproject.toml": config})
    result = run_fapcheck("--no-cache", "--output-format", "concise", "--select", "FAP406", cwd=project)
    if src is None:  # `app` is no module Python finds from the project root
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == 1, result.stderr
        assert "send (services/api/app/services/mail.py) -> requests.post()" in result.stdout


def test_src_must_be_a_list_of_directories(project: Path) -> None:
    write(project, {"pyproject.toml": "[tool.fapcheck]\nsrc = 'backend'\n", "x.py": ""})
    result = run_fapcheck("--no-cache", cwd=project)
    assert result.returncode == 2
    assert "'src' must be a list of directories, got str" in result.stderr
