"""The pre-commit hook, run by the real pre-commit against a copy of this checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import LAYERED_PROJECT, REPO, write

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="pre-commit needs git")


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "fapcheck",
        "GIT_AUTHOR_EMAIL": "fapcheck@example.invalid",
        "GIT_COMMITTER_NAME": "fapcheck",
        "GIT_COMMITTER_EMAIL": "fapcheck@example.invalid",
    }
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=True)
    return result.stdout


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout as it is on disk, uncommitted changes included, committed to a throwaway repository."""
    copy = tmp_path_factory.mktemp("hook-repo")
    listed = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-q", "-m", "snapshot")
    return copy, git(copy, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the whole module: pre-commit builds it once by pip-installing the hook repository."""
    return tmp_path_factory.mktemp("pre-commit-home")


def make_project(root: Path, hook_repository: tuple[Path, str], files: dict[str, str]) -> None:
    repo, rev = hook_repository
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "fapcheck"}]}]}
    write(root, {".pre-commit-config.yaml": yaml.safe_dump(config), **files})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial", "--no-verify")


def pre_commit(root: Path, home: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "PYTHONPATH")}
    env["PRE_COMMIT_HOME"] = str(home)
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_hook_definition() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "fapcheck"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "pyi"]
    assert hook["require_serial"] is True
    assert hook["entry"].split()[0] == "fapcheck"


def test_hook_fails_on_a_violation_and_passes_on_clean_code(
    tmp_path: Path, hook_repository: tuple[Path, str], pre_commit_home: Path
) -> None:
    make_project(
        tmp_path,
        hook_repository,
        {**LAYERED_PROJECT, "app/api/routes/users.py": "from app.services.users import UserService\n"},
    )
    clean = pre_commit(tmp_path, pre_commit_home, "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "fapcheck" in clean.stdout and "Passed" in clean.stdout

    # Only the changed route file is passed; the repository module it imports is read from the project.
    write(tmp_path, {"app/api/routes/users.py": "from app.repositories.users import UserRepository\n"})
    git(tmp_path, "add", "app/api/routes/users.py")
    failed = pre_commit(tmp_path, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "app/api/routes/users.py:1:36: FAP101 route module imports repository module 'app.repositories.users'" in (
        failed.stdout
    )


def test_hook_passes_only_python_files(
    tmp_path: Path, hook_repository: tuple[Path, str], pre_commit_home: Path
) -> None:
    make_project(tmp_path, hook_repository, {"README.md": "from app.repositories import x\n", "notes.txt": "def (:\n"})
    result = pre_commit(tmp_path, pre_commit_home, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no files to check)" in result.stdout


def test_hook_checks_a_project_in_a_subdirectory_under_its_own_configuration(
    tmp_path: Path, hook_repository: tuple[Path, str], pre_commit_home: Path
) -> None:
    """pre-commit runs from the git root; `backend/pyproject.toml` still decides, and imports of packages
    without `__init__.py` resolve from `backend/`."""
    backend = {
        "backend/pyproject.toml": '[tool.fapcheck]\nignore = ["FAP103"]\n',
        "backend/app/repositories/users.py": "class UserRepository: ...\n",
        "backend/app/services/users.py": "import fastapi\n",
        "backend/app/api/routes/users.py": "import app.services.users\n",
    }
    make_project(tmp_path, hook_repository, backend)
    clean = pre_commit(tmp_path, pre_commit_home, "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    write(tmp_path, {"backend/app/api/routes/users.py": "from app.repositories.users import UserRepository\n"})
    git(tmp_path, "add", "backend/app/api/routes/users.py")
    failed = pre_commit(tmp_path, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "backend/app/api/routes/users.py:1:36: FAP101 route module imports repository module" in failed.stdout


def readme_hook_configuration() -> str:
    """The `.pre-commit-config.yaml` the README shows."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"^```yaml\n(.*?)^```", readme, re.M | re.S) if "pre-commit-config" in b]
    return str(block)


def test_the_readme_snippet_runs_the_installed_fapcheck(tmp_path: Path, pre_commit_home: Path) -> None:
    """The local hook of the README runs the fapcheck installed where pre-commit runs (here: this checkout's)."""
    scripts = str(Path(sys.executable).parent)
    if shutil.which("fapcheck", path=scripts) is None:
        pytest.skip("fapcheck is not installed beside this Python")
    path = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    route = "app/api/routes/users.py"
    write(tmp_path, {".pre-commit-config.yaml": readme_hook_configuration(), **LAYERED_PROJECT})
    write(tmp_path, {route: "from app.repositories.users import UserRepository\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    failed = pre_commit(tmp_path, pre_commit_home, "--all-files", path=path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"{route}:1:36: FAP101 route module imports repository module 'app.repositories.users'" in failed.stdout
    write(tmp_path, {route: "from app.services.users import UserService\n"})
    git(tmp_path, "add", "-A")
    clean = pre_commit(tmp_path, pre_commit_home, "--all-files", path=path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "fapcheck" in clean.stdout and "Passed" in clean.stdout
