"""Editor mode: source on standard input, placed in the project by `--stdin-filename`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli import fapcheck

from conftest import LAYERED_PROJECT, write

PROJECT = {
    **LAYERED_PROJECT,
    "pyproject.toml": "[tool.fapcheck]\nselect = ['FAP']\n",
    "app/api/routes/users.py": "from app.services.users import UserService\n",
}
ABSOLUTE = "from app.repositories.users import UserRepository\n"
RELATIVE = "from ...repositories.users import UserRepository\n"
MESSAGE = (
    "FAP101 route module imports repository module 'app.repositories.users' "
    "(repository: preset: repositories/): call it through a service"
)


@pytest.fixture
def editor_project(project: Path) -> Path:
    write(project, PROJECT)
    return project


@pytest.mark.parametrize("dash", [["-"], []], ids=["dash", "no-dash"])
@pytest.mark.parametrize("name", ["app/api/routes/users.py", "./app/api/routes/users.py"])
def test_stdin_is_checked_as_the_named_file_and_printed_as_given(
    editor_project: Path, dash: list[str], name: str
) -> None:
    # The file on disk is clean: what counts is the unsaved text on stdin.
    result = fapcheck(*dash, "--stdin-filename", name, "--output-format", "concise", cwd=editor_project, stdin=ABSOLUTE)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [f"{name}:1:36: {MESSAGE}", "Found 1 error."]
    assert result.stderr == ""


def test_absolute_stdin_filename_is_printed_as_given(editor_project: Path) -> None:
    name = str(editor_project / "app/api/routes/users.py")
    result = fapcheck(
        "-", "--stdin-filename", name, "--output-format", "concise", "-q", cwd=editor_project, stdin=ABSOLUTE
    )
    assert result.stdout == f"{name}:1:36: {MESSAGE}\n"


def test_cross_file_lookups_start_from_the_stdin_files_location(editor_project: Path) -> None:
    # A file that does not exist yet, a relative import, and a run from a subdirectory of the project.
    for cwd, name in ((editor_project, "app/api/routes/new.py"), (editor_project / "app", "api/routes/new.py")):
        for source in (ABSOLUTE, RELATIVE):
            result = fapcheck("-", "--stdin-filename", name, "--output-format", "json", cwd=cwd, stdin=source)
            [finding] = json.loads(result.stdout)
            assert (finding["code"], finding["path"], finding["layer"]) == ("FAP101", name, "route")


def test_the_layer_comes_from_the_stdin_filename(editor_project: Path) -> None:
    result = fapcheck("-", "--stdin-filename", "app/services/orders.py", cwd=editor_project, stdin=ABSOLUTE)
    assert result.returncode == 0
    assert result.stdout == "All checks passed!\n"


def test_stdin_without_a_filename(editor_project: Path) -> None:
    # No path, no layer: the layer rules do not apply; a syntax error is still reported, at its position.
    assert fapcheck("-", cwd=editor_project, stdin=ABSOLUTE).returncode == 0
    result = fapcheck("-", "--output-format", "concise", "-q", cwd=editor_project, stdin="x = (\n")
    assert result.returncode == 1
    assert result.stdout == "-:1:5: FAP001 SyntaxError: '(' was never closed\n"


def test_stdin_noqa_and_configuration_apply(editor_project: Path) -> None:
    name = "app/api/routes/users.py"
    source = ABSOLUTE.rstrip("\n") + "  # noqa: FAP101\n"
    assert fapcheck("-", "--stdin-filename", name, cwd=editor_project, stdin=source).returncode == 0
    write(editor_project, {"pyproject.toml": "[tool.fapcheck]\nignore = ['FAP101']\n"})
    assert fapcheck("-", "--stdin-filename", name, cwd=editor_project, stdin=ABSOLUTE).returncode == 0


def test_stdin_uses_the_configuration_of_the_named_files_project(editor_project: Path) -> None:
    # Run from outside the project: the layer comes from the project's own [tool.fapcheck.layers].
    write(editor_project, {"pyproject.toml": "[tool.fapcheck.layers]\nroute = ['web/**']\n"})
    outside = editor_project.parent / f"{editor_project.name}-elsewhere"
    outside.mkdir()
    name = str(editor_project / "web/users.py")
    result = fapcheck("-", "--stdin-filename", name, "--output-format", "concise", "-q", cwd=outside, stdin=ABSOLUTE)
    assert result.stdout == f"{name}:1:36: {MESSAGE}\n"
