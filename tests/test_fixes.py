"""--fix, --diff and --unsafe-fixes: golden files, idempotence, safety."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import FIXTURES, run_fapcheck, write

runner = CliRunner()

GOLDEN = sorted(FIXTURES.rglob("*.fixed.py"))


def project_of(path: Path) -> Path:
    return FIXTURES / "rules" / path.relative_to(FIXTURES / "rules").parts[0]


@pytest.mark.parametrize("golden", GOLDEN, ids=[str(p.relative_to(FIXTURES)) for p in GOLDEN])
def test_fix_matches_golden_file_and_is_idempotent(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source_root = project_of(golden)
    root = tmp_path / source_root.name
    shutil.copytree(source_root, root, ignore=shutil.ignore_patterns("*.fixed.py"))
    monkeypatch.chdir(root)
    target = root / golden.relative_to(source_root).with_name(golden.name.replace(".fixed.py", ".py"))
    result = runner.invoke(app, ["--fix", "--unsafe-fixes", "--select", "ALL", "--exit-zero", "."])
    assert result.exit_code == 0, result.output
    assert target.read_text() == golden.read_text()
    # a second run has nothing left to fix
    again = runner.invoke(app, ["--diff", "--unsafe-fixes", "--select", "ALL", "."])
    assert again.exit_code == 0, again.output
    assert again.output == ""


NOQA = {
    "app/repositories/users.py": "class UserRepository: ...\n",
    "app/api/users.py": "import os  # noqa: FAP101\n",
}


def test_fix_reports_what_it_did(project: Path) -> None:
    write(project, NOQA)
    result = runner.invoke(app, ["--fix"])
    assert result.exit_code == 0
    assert result.output == "Found 1 error (1 fixed, 0 remaining).\n"
    assert (project / "app/api/users.py").read_text() == "import os\n"


def test_full_output_marks_fixable_findings(project: Path) -> None:
    write(project, NOQA)
    result = runner.invoke(app, ["--output-format", "concise"])
    assert result.output.splitlines() == [
        "app/api/users.py:1:12: FAP002 [*] Unused `noqa` directive (unused: FAP101)",
        "Found 1 error (1 fixable with --fix).",
    ]


def test_diff_writes_nothing_and_exits_1(project: Path) -> None:
    write(project, NOQA)
    result = run_fapcheck("--diff", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "--- a/app/api/users.py\n+++ b/app/api/users.py\n@@ -1 +1 @@\n-import os  # noqa: FAP101\n+import os\n"
    )
    assert result.stderr == "Would fix 1 file.\n"
    assert (project / "app/api/users.py").read_text() == NOQA["app/api/users.py"]


def test_fix_keeps_permissions_and_line_endings(project: Path) -> None:
    write(project, NOQA)
    target = project / "app/api/users.py"
    target.write_bytes(b"import os  # noqa: FAP101\r\nimport sys\r\n")
    os.chmod(target, 0o640)
    assert runner.invoke(app, ["--fix"]).exit_code == 0
    assert target.read_bytes() == b"import os\r\nimport sys\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_read_only_file_is_not_touched(project: Path) -> None:
    write(project, NOQA)
    target = project / "app/api/users.py"
    os.chmod(target, 0o444)
    result = run_fapcheck("--fix", "--output-format", "concise", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "error: app/api/users.py: cannot write fixes: the file is read-only\n"
    assert "app/api/users.py:1:12: FAP002" in result.stdout
    assert target.read_text() == NOQA["app/api/users.py"]


def test_fix_from_stdin_prints_the_fixed_source(project: Path) -> None:
    write(project, NOQA)
    result = run_fapcheck(
        "--fix", "-", "--stdin-filename", "app/api/users.py", cwd=project, stdin="import os  # noqa: FAP101\n"
    )
    assert result.stdout == "import os\n"
    assert result.returncode == 0


def test_files_that_do_not_parse_are_never_touched(project: Path) -> None:
    write(project, {"app/api/users.py": "import os  # noqa: FAP101\ndef f(:\n"})
    result = runner.invoke(app, ["--fix", "--output-format", "concise"])
    assert result.exit_code == 1
    assert "FAP001" in result.output
    assert (project / "app/api/users.py").read_text() == "import os  # noqa: FAP101\ndef f(:\n"


def test_a_fix_that_would_break_the_file_is_not_written(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fapcheck.engine import plan as engine_plan
    from fapcheck.findings import Edit, Fix

    def breaking_fix(line: int, col: int, end_col: int, *args: object) -> Fix:
        return Fix("break", (Edit(line, 1, line, 2, "("),))

    monkeypatch.setattr(engine_plan, "_noqa_fix", breaking_fix)
    write(project, NOQA)
    result = runner.invoke(app, ["--fix"])
    assert result.exit_code == 1
    assert (project / "app/api/users.py").read_text() == NOQA["app/api/users.py"]


def test_unsafe_fixes_need_the_option(project: Path) -> None:
    source = (
        "from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\n\n"
        'engine = create_async_engine("postgresql+asyncpg://db")\n'
        "SessionLocal = async_sessionmaker(engine)\n"
    )
    write(project, {"app/core/db.py": source})
    result = runner.invoke(app, ["--fix", "--output-format", "concise"])
    assert result.exit_code == 1
    assert (project / "app/core/db.py").read_text() == source
    assert runner.invoke(app, ["--fix", "--unsafe-fixes"]).exit_code == 0
    assert "async_sessionmaker(engine, expire_on_commit=False)" in (project / "app/core/db.py").read_text()
