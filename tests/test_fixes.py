"""--fix, --diff and --unsafe-fixes: golden files, idempotence, safety."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import FIXTURES, aged, run_fapcheck, write

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
    assert result.stderr == (  # not silently: the fix is said to be left out
        "warning: app/api/users.py: 1 fix not applied: the fixed code would not parse. "
        "Please report this as a fapcheck bug.\n"
    )


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


# ------------------------------------------------------------------ --fix and --diff at the speed of a check

SLEEPY = "import time\n\n\nasync def pause() -> None:\n    time.sleep(1)\n"
AWAKE = "import asyncio\n\n\nasync def pause() -> None:\n    await asyncio.sleep(1)\n"
MANY = {
    **{f"app/services/s{i:02}.py": SLEEPY for i in range(24)},
    **{f"app/services/clean{i:02}.py": AWAKE for i in range(8)},
}


def test_fix_and_diff_run_in_the_worker_processes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fapcheck.engine import batch

    write(project, MANY)
    pids = project.parent / f"{project.name}-pids"
    process = batch._process

    def recording(checker: object, path: Path, display: str, fixing: object) -> object:
        with open(pids, "a") as stream:
            stream.write(f"{os.getpid()}\n")
        return process(checker, path, display, fixing)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_process", recording)
    serial = runner.invoke(app, ["--diff", "--no-cache", "--jobs", "1"])
    pids.unlink()
    diff = runner.invoke(app, ["--diff", "--no-cache", "--jobs", "2"])
    assert (diff.exit_code, diff.stdout, diff.stderr) == (1, serial.stdout, "Would fix 24 files.\n")
    assert diff.stdout.index("s00.py") < diff.stdout.index("s01.py") < diff.stdout.index("s23.py")
    fixed = runner.invoke(app, ["--fix", "--no-cache", "--jobs", "2"])
    assert (fixed.exit_code, fixed.output) == (0, "Found 24 errors (24 fixed, 0 remaining).\n")
    assert all((project / name).read_text() == AWAKE for name in MANY)
    workers = {int(pid) for pid in pids.read_text().split()}
    assert workers and os.getpid() not in workers


def test_fix_on_a_fixed_tree_is_answered_from_the_cache(project: Path) -> None:
    from test_perf import imported_modules

    write(project, {**MANY, "app/services/mixed.py": SLEEPY + "x = 1  # noqa: FAP101\n"})
    assert imported_modules(project, "--fix") == "imported: libcst"
    assert (project / "app/services/mixed.py").read_text() == AWAKE + "x = 1\n"
    imported_modules(project, "--fix")  # the files fixed last time are checked and cached
    aged(project)
    assert imported_modules(project, "--fix") == "imported:"
    assert imported_modules(project, "--diff") == "imported:"
    # A file with something to fix is fixed, whatever the cache says about the others.
    write(project, {"app/services/s03.py": SLEEPY})
    assert imported_modules(project, "--diff") == "imported: libcst"
    diff = run_fapcheck("--diff", cwd=project)
    assert (diff.returncode, diff.stderr) == (1, "Would fix 1 file.\n")
    assert diff.stdout.startswith("--- a/app/services/s03.py\n")


def test_fix_shows_the_progress_bar_on_a_terminal(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from fapcheck import cli
    from fapcheck.report.progress import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(cli, "_progress", lambda total: ProgressBar(total, terminal, delay=0))
    write(project, MANY)
    assert runner.invoke(app, ["--fix", "--no-cache"]).exit_code == 0
    assert "Checking" in terminal.getvalue() and f"{len(MANY)}/{len(MANY)}" in terminal.getvalue()
