"""The README is true: every fapcheck command it shows runs as shown against the demo project, with the exit
code its text promises and, where it shows the output, that output."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, checkout_env, write

README = REPO / "README.md"
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# A command in a shell block, or a `run:` step or a `script:` item in a CI snippet.
_SHELL = re.compile(r"^\s*(?:-\s+)?(?:run:\s+)?(fapcheck(?:\s.*)?)$")

# Each command, in the README's order, with its exit code: findings in the demo make 1.
EXPECTED = {
    "fapcheck fixtures/demo --output-format concise": 1,
    "fapcheck fixtures/demo/app/api/routes/orders.py --select FAP101": 1,
    "fapcheck": 1,
    "fapcheck app/api app/services": 1,
    "fapcheck --output-format concise": 1,
    "fapcheck --select FAP1 --ignore FAP103": 1,
    "fapcheck - --stdin-filename app/api/routes/orders.py < app/api/routes/orders.py": 1,
    "fapcheck --version": 0,
    "fapcheck rules": 0,
    "fapcheck explain FAP101": 0,
    "fapcheck layers": 0,
    "fapcheck graph app": 0,
    "fapcheck server": 0,  # ends when its input does
    "fapcheck --write-baseline .fapcheck-baseline.json": 0,
    "fapcheck --baseline .fapcheck-baseline.json": 0,
    "fapcheck --output-format github .": 1,
    "fapcheck --output-format sarif --output-file fapcheck.sarif --exit-zero .": 0,
    "fapcheck --output-format junit --output-file fapcheck-junit.xml --exit-zero .": 0,
    "fapcheck --output-format gitlab --output-file gl-code-quality-report.json .": 1,
    "fapcheck - --stdin-filename app/api/routes/orders.py --output-format concise < app/api/routes/orders.py": 1,
    "fapcheck --config fapcheck-ci.toml": 2,
}
# Files a command's example is about, written before it runs.
SETUP = {"fapcheck --config fapcheck-ci.toml": {"fapcheck-ci.toml": "extend_exclude = []\n"}}


def readme_commands() -> list[tuple[str, str | None]]:
    """(command, the output shown under it or None) for every fapcheck command in the README's code blocks."""
    commands: list[tuple[str, str | None]] = []
    for language, body in _BLOCK.findall(README.read_text(encoding="utf-8")):
        if language == "console":
            for chunk in re.split(r"^\$ ", body, flags=re.MULTILINE)[1:]:
                command, _, output = chunk.partition("\n")
                commands.append((command.strip(), output))
        elif language in ("sh", "yaml"):
            for line in body.splitlines():
                match = _SHELL.match(line.split("  #")[0].rstrip())
                if match is not None:
                    commands.append((match[1], None))
    return commands


COMMANDS = readme_commands()


def test_every_command_of_the_readme_is_known() -> None:
    assert [command for command, _ in COMMANDS] == list(EXPECTED)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout's shape: a project root holding the demo at fixtures/demo."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(FIXTURES / "demo", root / "fixtures" / "demo")
    write(root, {"pyproject.toml": '[project]\nname = "checkout"\n'})
    return root


@pytest.mark.parametrize(("command", "shown"), COMMANDS, ids=[command for command, _ in COMMANDS])
def test_the_readme_command_runs_as_shown(checkout: Path, command: str, shown: str | None) -> None:
    cwd = checkout if "fixtures/demo" in command else checkout / "fixtures" / "demo"
    write(cwd, SETUP.get(command, {}))
    program = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "fapcheck"))
    result = subprocess.run(
        program + command.removeprefix("fapcheck"),
        shell=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**checkout_env(), "COLUMNS": "200"},
        timeout=300,
        check=False,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == EXPECTED[command], result.stdout + result.stderr
    if shown is not None:
        assert result.stdout + result.stderr == shown
