"""Cross-module Depends findings survive a run on one changed file, as pre-commit makes."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, run_fapcheck, write

PROJECT = FIXTURES / "projects" / "depends"


def concise(*args: str, stdin: str | None = None) -> list[tuple[str, str]]:
    done = run_fapcheck("--output-format", "concise", "--quiet", *args, cwd=PROJECT, stdin=stdin)
    assert done.returncode in (0, 1), done.stderr
    found = []
    for line in done.stdout.splitlines():
        location, code = line.split(": ", 1)[0], line.split(": ", 1)[1].split(" ", 1)[0]
        found.append((f"{location.split(':')[0]}:{location.split(':')[1]}", code))
    return sorted(found)


ROUTE_FINDINGS = [
    ("app/api/routes/users.py:18", "FAP503"),
    ("app/api/routes/users.py:19", "FAP504"),
    ("app/api/routes/users.py:22", "FAP502"),
    ("app/api/routes/users.py:23", "FAP501"),
]


def test_one_changed_route_file_is_resolved_against_the_project() -> None:
    assert concise("app/api/routes/users.py") == ROUTE_FINDINGS


def test_one_changed_provider_file_is_resolved_against_the_project() -> None:
    assert concise("app/api/deps.py") == [("app/api/deps.py:22", "FAP505")]


def test_a_provider_used_by_another_module_is_reported_once_in_its_own_module() -> None:
    # The route module names get_profile_service in Depends: the broken parameter is the provider's, and a
    # run on either file alone gives that file's findings as the whole project run does.
    assert concise("app/services/profile.py") == [("app/services/profile.py:9", "FAP503")]
    assert ("app/services/profile.py:9", "FAP503") in concise(".")
    assert not [found for found in concise("app/api/routes/users.py") if found[0].endswith(":20")]


def test_a_provider_is_re_checked_when_its_users_change(tmp_path: Path) -> None:
    # The provider's result depends on the modules that name it: the result cache must see a new use.
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    route = project / "app/api/routes/users.py"
    route.write_text(route.read_text(encoding="utf-8").replace("Depends(get_profile_service)", "None"), "utf-8")
    cache = ["--cache-dir", str(tmp_path / "cache"), "--output-format", "concise", "app/services/profile.py"]
    assert "FAP503" not in run_fapcheck(*cache, cwd=project).stdout
    route.write_text(route.read_text(encoding="utf-8").replace("profile=None", "profile=Depends(get_profile_service)"))
    assert "app/services/profile.py:9:25: FAP503" in run_fapcheck(*cache, cwd=project).stdout


def test_source_on_stdin_is_resolved_against_the_project() -> None:
    source = (PROJECT / "app/api/routes/users.py").read_text(encoding="utf-8")
    found = concise("-", "--stdin-filename", "app/api/routes/users.py", stdin=source)
    assert [code for _, code in found] == [code for _, code in ROUTE_FINDINGS]


def test_the_route_file_alone_is_clean_without_its_project(tmp_path: Path) -> None:
    # Without the other modules nothing is known about the names, and nothing is guessed.
    target = tmp_path / "app/api/routes/users.py"
    target.parent.mkdir(parents=True)
    target.write_text((PROJECT / "app/api/routes/users.py").read_text(encoding="utf-8"), encoding="utf-8")
    done = run_fapcheck("--isolated", "--output-format", "concise", str(target), cwd=tmp_path)
    assert done.returncode == 0, done.stdout


def test_a_provider_use_behind_a_re_export_is_followed_by_the_cache(project: Path) -> None:
    """Whether `get_db` is a provider is read through `reexport.py`: the cached result of `db.py` depends
    on it even when another provider's question read that module first."""
    from typer.testing import CliRunner

    from fapcheck.cli import app

    session = "from sqlalchemy.orm import Session\n\n\n"
    files = {
        "app/__init__.py": "",
        "app/lib/__init__.py": "",
        "app/api/__init__.py": "",
        "app/lib/db.py": session + "def get_db(session: Session):\n    return session\n",
        "app/lib/reexport.py": "from app.lib.db import get_db\n",
        "app/lib/users.py": session
        + "# checked first: the larger file\n" * 4
        + "def get_users(session: Session):\n    return session\n",
        "app/api/routes.py": (
            "from fastapi import APIRouter, Depends\n\nfrom app.lib.reexport import get_db\n"
            "from app.lib.users import get_users\n\nrouter = APIRouter()\n\n\n@router.get('/')\n"
            "def r(db=Depends(get_db), u=Depends(get_users)):\n    return db\n"
        ),
    }
    write(project, files)
    arguments = ["--output-format", "concise", "-q", "-j", "1", "--select", "FAP503"]
    assert CliRunner().invoke(app, arguments).output.count("FAP503") == 2
    write(project, {"app/lib/reexport.py": "def get_db():\n    return None\n"})
    warm = CliRunner().invoke(app, arguments).output
    cold = CliRunner().invoke(app, [*arguments, "--no-cache"]).output
    assert warm == cold
    assert cold.count("FAP503") == 1
