"""The command line, through typer's runner and as a real subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fapcheck import __version__
from fapcheck.cli import app
from test_demo import DEMO_FINDINGS

from conftest import FIXTURES, REPO, run_fapcheck, write

runner = CliRunner()

VIOLATING = {
    "app/__init__.py": "",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": "class UserRepository: ...\n",
    "app/api/__init__.py": "",
    "app/api/users.py": "from app.repositories.users import UserRepository\n",
}
CLEAN = {
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/users.py": "class UserService: ...\n",
    "app/api/__init__.py": "",
    "app/api/users.py": "from app.services.users import UserService\n",
}


def fapcheck(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = run_fapcheck(*args, cwd=cwd, stdin=stdin)
    return result


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"fapcheck {__version__}"


def test_demo_project_has_findings() -> None:
    result = fapcheck("fixtures/demo", cwd=REPO)
    assert result.returncode == 1, result.stderr
    assert "fixtures/demo/app/api/routes/orders.py:13:37: FAP101 route module imports repository" in result.stdout
    assert "^^^^^^^^^^^^^^^" in result.stdout
    assert result.stdout.rstrip().endswith(f"Found {len(DEMO_FINDINGS)} errors.")
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_findings_exit_1_and_clean_exit_0(project: Path) -> None:
    write(project, VIOLATING)
    result = runner.invoke(app, ["--output-format", "concise"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "app/api/users.py:1:36: FAP101 route module imports repository module 'app.repositories.users' "
        "(repository: preset: repositories/): "
        "call it through a service",
        "Found 1 error.",
    ]
    write(project, {"app/api/users.py": "from app.services.users import UserService\n", **CLEAN})
    result = runner.invoke(app, ["."])
    assert result.exit_code == 0
    assert result.output == "All checks passed!\n"


def test_exit_zero(project: Path) -> None:
    write(project, VIOLATING)
    assert runner.invoke(app, ["--exit-zero"]).exit_code == 0


def test_select_and_ignore_with_prefixes(project: Path) -> None:
    write(project, VIOLATING)
    assert runner.invoke(app, ["--ignore", "FAP1"]).exit_code == 0
    assert runner.invoke(app, ["--select", "FAP0,FAP102"]).exit_code == 0
    assert runner.invoke(app, ["--select", "FAP0", "--extend-select", "FAP10"]).exit_code == 1


def test_unknown_code_on_the_command_line_exits_2(project: Path) -> None:
    result = fapcheck("--select", "FAP1O1", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "error: --select: unknown rule code or prefix 'FAP1O1' (did you mean 'FAP101'?)\n"
    assert "Traceback" not in result.stderr


def test_bad_config_key_exits_2_with_one_line(project: Path) -> None:
    write(project, {"pyproject.toml": "[tool.fapcheck]\nselct = ['FAP']\n", **CLEAN})
    result = fapcheck(cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {project / 'pyproject.toml'}: [tool.fapcheck]: unknown key 'selct' (did you mean 'select'?)\n"
    )


def test_config_file_option_and_isolated(project: Path) -> None:
    write(project, {**VIOLATING, "conf/pyproject.toml": "[tool.fapcheck]\nignore = ['FAP101']\n"})
    assert runner.invoke(app, ["--config", "conf/pyproject.toml", "."]).exit_code == 0
    write(project, {"pyproject.toml": "[tool.fapcheck]\nignore = ['FAP101']\n"})
    assert runner.invoke(app, ["."]).exit_code == 0
    assert runner.invoke(app, ["--isolated", "."]).exit_code == 1


def test_syntax_error_is_reported_and_the_run_goes_on(project: Path) -> None:
    write(project, {**VIOLATING, "app/api/broken.py": "def f(:\n    pass\n"})
    result = fapcheck("--output-format", "concise", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "app/api/broken.py:1:7: FAP001 SyntaxError: invalid syntax"
    assert lines[1].startswith("app/api/users.py:1:36: FAP101")


def test_missing_path_exits_2_and_others_are_checked(project: Path) -> None:
    write(project, VIOLATING)
    result = fapcheck("app", "nope.py", "--output-format", "concise", cwd=project)
    assert result.returncode == 2
    assert "app/api/users.py:1:36: FAP101" in result.stdout
    assert result.stderr == "error: nope.py: No such file or directory\n"


NOTEBOOK = '{"cells": [{"cell_type": "code", "source": ["import requests\\n"]}], "nbformat": 4}\n'


def test_a_notebook_named_on_the_command_line_is_refused(project: Path) -> None:
    write(project, {**VIOLATING, "analysis.ipynb": NOTEBOOK})
    result = fapcheck("analysis.ipynb", "app", "--output-format", "concise", cwd=project)
    assert result.returncode == 2
    assert "app/api/users.py:1:36: FAP101" in result.stdout  # the other paths are still checked
    assert result.stderr == (
        "error: analysis.ipynb: Jupyter notebooks are not checked: fapcheck reads Python files (.py, .pyi) only\n"
    )
    alone = fapcheck("analysis.ipynb", cwd=project)
    assert (alone.returncode, alone.stdout) == (2, "")
    assert "FAP001" not in alone.stdout + alone.stderr


def test_notebooks_in_directories_are_skipped_and_verbose_says_so(project: Path) -> None:
    write(project, {**CLEAN, "notebooks/analysis.ipynb": NOTEBOOK, "build/out.ipynb": NOTEBOOK})
    quiet = fapcheck(".", cwd=project)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "All checks passed!\n", "")
    verbose = fapcheck(".", "--verbose", cwd=project)
    assert (verbose.returncode, verbose.stdout) == (0, "All checks passed!\n")
    assert verbose.stderr == (  # excluded directories (build/) are not walked at all
        "skipped notebooks/analysis.ipynb: Jupyter notebooks are not checked: "
        "fapcheck reads Python files (.py, .pyi) only\n"
    )


def test_noqa(project: Path) -> None:
    write(project, VIOLATING)
    write(project, {"app/api/users.py": "from app.repositories.users import UserRepository  # noqa: FAP101\n"})
    assert runner.invoke(app, ["."]).exit_code == 0
    write(project, {"app/api/users.py": "from app.repositories.users import UserRepository  # noqa\n"})
    assert runner.invoke(app, ["."]).exit_code == 0
    write(project, {"app/api/users.py": "# fapcheck: noqa\nfrom app.repositories.users import UserRepository\n"})
    assert runner.invoke(app, ["."]).exit_code == 0
    write(project, {"app/api/users.py": "from app.repositories.users import UserRepository  # noqa: FAP103\n"})
    result = runner.invoke(app, ["--output-format", "concise"])
    assert [line.split(": ", 1)[1][:6] for line in result.output.splitlines()[:-1]] == ["FAP101", "FAP002"]


def test_per_file_ignores(project: Path) -> None:
    write(project, {**VIOLATING, "pyproject.toml": "[tool.fapcheck.per-file-ignores]\n'app/api/**' = ['FAP1']\n"})
    assert runner.invoke(app, ["."]).exit_code == 0


def test_statistics(project: Path) -> None:
    write(project, VIOLATING)
    result = runner.invoke(app, ["--statistics"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "count  code    name                      fixable",
        "1      FAP101  route-imports-repository",
        "Found 1 error.",
    ]


def test_statistics_as_json(project: Path) -> None:
    import json

    write(project, {**VIOLATING, "app/api/items.py": "import os  # noqa: FAP101\n"})
    result = runner.invoke(app, ["--statistics", "--output-format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"code": "FAP002", "name": "unused-noqa", "count": 1, "fixable": True},
        {"code": "FAP101", "name": "route-imports-repository", "count": 1, "fixable": False},
    ]


@pytest.mark.parametrize("args", [["--version"], ["check", "--version"], [".", "--version"], ["-q", "--version"]])
def test_version_wherever_the_options_go(project: Path, args: list[str]) -> None:
    result = fapcheck(*args, cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"fapcheck {__version__}\n", "")


def test_quiet_prints_no_summary(project: Path) -> None:
    write(project, VIOLATING)
    result = runner.invoke(app, ["-q", "--output-format", "concise"])
    assert len(result.output.splitlines()) == 1


def test_color_only_when_asked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, VIOLATING)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in runner.invoke(app, ["."]).output
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in runner.invoke(app, ["."]).output


def test_rules_lists_every_rule() -> None:
    from fapcheck.catalog import CATALOG

    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for spec in CATALOG:
        assert spec.code in result.output and spec.name in result.output
    [fap407] = [line for line in result.output.splitlines() if "FAP407" in line]
    assert fap407.split()[-1] == "no"  # not selected by default
    [fap401] = [line for line in result.output.splitlines() if "FAP401" in line]
    assert fap401.split()[-1] == "yes"


def test_explain() -> None:
    result = runner.invoke(app, ["explain", "fap101"])
    assert result.exit_code == 0
    assert result.output.startswith("# FAP101 (route-imports-repository)")
    assert "## Why is this bad?" in result.output
    result = fapcheck("explain", "FAP1O1")
    assert result.returncode == 2
    assert result.stderr == "error: unknown rule code 'FAP1O1' (did you mean 'FAP101'?)\n"


def test_layers_command() -> None:
    result = fapcheck("layers", "fixtures/rules/FAP101", cwd=REPO)
    assert result.returncode == 0
    *table, blank, counts = result.stdout.splitlines()
    assert blank == ""
    rows = {line.split()[0]: line.split()[1:] for line in table[1:]}
    assert counts == f"{len(rows)} files: 7 route, 3 service, 5 repository, 5 unmapped"
    assert rows["fixtures/rules/FAP101/app/api/routes/items.py"] == ["route", "preset:", "routes/"]
    assert rows["fixtures/rules/FAP101/app/crud.py"] == ["repository", "preset:", "file", "name", "'crud'"]
    assert rows["fixtures/rules/FAP101/orders/service.py"][0] == "service"
    assert rows["fixtures/rules/FAP101/app/core/config.py"] == ["unmapped", "-"]


def test_stdin_with_filename_places_the_file_in_a_layer(project: Path) -> None:
    write(project, VIOLATING)
    source = (project / "app/api/users.py").read_text()
    result = fapcheck(
        "-", "--stdin-filename", "app/api/users.py", "--output-format", "concise", cwd=project, stdin=source
    )
    assert result.returncode == 1
    assert result.stdout.startswith("app/api/users.py:1:36: FAP101")


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("check", "rules", "explain", "layers"):
        assert command in result.output


def test_fixture_dir_is_not_accidentally_empty() -> None:
    assert len(list(FIXTURES.rglob("*.py"))) > 20


@pytest.mark.parametrize("command", [(), ("layers",), ("graph",)])
def test_a_path_that_does_not_exist_prints_only_the_error(tmp_path: Path, command: tuple[str, ...]) -> None:
    result = fapcheck(*command, "missing.py", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "error: missing.py: No such file or directory\n",
    )


VALUES = ["3", "0", "x", "-1", "+2", " 4", "٣", "json", "JSON", "bogus", "", "-", "pyproject.toml", "missing/x.toml"]


@pytest.mark.parametrize("command", ["check", "layers", "graph", "explain"])
def test_options_convert_as_typer_converts_them(project: Path, command: str) -> None:
    """Option values are converted without pydantic, to what typer's own conversion gives, errors included."""
    pytest.importorskip("typer._coercion", reason="typer < 0.29 converts with click types")
    import typer.main
    from typer._click import Context
    from typer._click.exceptions import BadParameter
    from typer._coercion import build_runtime_param

    from fapcheck.cli import _PlainConversion

    write(project, {"pyproject.toml": "[tool.fapcheck]\n"})
    group = typer.main.get_command(app)
    click_command = group.commands[command]  # type: ignore[attr-defined]
    ctx = Context(click_command)

    def converted(conversion: Any, param: Any, value: object) -> object:
        try:
            return conversion.coerce(value, param=param, ctx=ctx)
        except BadParameter as error:
            return ("error", error.format_message())

    for param in click_command.get_params(ctx):
        multiple = param.multiple or param.nargs == -1
        values = [(v, "a") for v in VALUES] if multiple else VALUES
        candidates: list[object] = [None, param.default, True, *values]
        for value in candidates:
            typer_conversion = build_runtime_param(param.type_descriptor)
            expected = converted(typer_conversion, param, value)
            assert converted(_PlainConversion(), param, value) == expected, (param.name, value)
