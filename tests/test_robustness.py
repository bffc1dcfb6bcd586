"""Bad input never ends in a traceback: each case gives one precise message and the right exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import REPO, aged, checkout_env, run_fapcheck, write

runner = CliRunner()


def fapcheck(project: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    result: subprocess.CompletedProcess[bytes] = run_fapcheck(
        "--isolated", "--no-cache", "--output-format", "concise", *args, cwd=project, text=False
    )
    return result


def one_file(project: Path, data: bytes, name: str = "app/services/x.py") -> tuple[int, str, str]:
    target = project / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    result = fapcheck(project, name)
    assert b"Traceback" not in result.stderr
    return result.returncode, result.stdout.decode(), result.stderr.decode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"def f(:\n    pass\n", "app/services/x.py:1:7: FAP001 SyntaxError: invalid syntax"),
        (
            b'print "hello"\n',
            "app/services/x.py:1:1: FAP001 SyntaxError: Missing parentheses in call to 'print'. "
            "Did you mean print(...)?",
        ),
        (
            b'# a comment\nNAME = "caf\xe9"\n',
            "app/services/x.py:2:12: FAP001 cannot decode file: invalid utf-8 byte 0xe9",
        ),
        (b"x = 1\x00\ny = 2\n", "app/services/x.py:1:6: FAP001 cannot parse file: NUL byte"),
        (
            b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n",
            "app/services/x.py:1:1: FAP001 cannot parse file: nested too deeply (too many nested parentheses)",
        ),
        (b"x = " + b"-" * 100_000 + b"1\n", "app/services/x.py:1:1: FAP001 cannot parse file: nested too deeply"),
    ],
    ids=["syntax-error", "python2-print", "not-utf8", "nul-byte", "deep-brackets", "deep-operators"],
)
def test_unreadable_source_is_fap001(project: Path, data: bytes, expected: str) -> None:
    code, out, err = one_file(project, data)
    assert (code, out.splitlines()[0], err) == (1, expected, "")


# Valid Python that libcst's native parser refuses (a word operator right before a parenthesised lambda
# fails its node checks): the file is not checked, and the finding blames the parser, not the code.
PARSER_LIMIT_CASES = {
    "statement in a function": ("async def f():\n    time.sleep(1)\n    x = 1 if 0 else(lambda: 1)\n", "3:9"),
    "compound statement header": ("async def f():\n    if ready or(lambda: 1):\n        pass\n", "2:8"),
    "after non-ASCII text": ('async def f():\n    s = "é"; y = [1, not(lambda: 1)]\n', "2:22"),
    "expression over lines": ("async def f(): ...\nx = (\n    1,\n    a if b else(lambda: 2),\n)\n", "4:5"),
}


@pytest.mark.parametrize(("body", "position"), PARSER_LIMIT_CASES.values(), ids=PARSER_LIMIT_CASES.keys())
def test_valid_python_that_libcst_cannot_parse_is_a_parser_limit(project: Path, body: str, position: str) -> None:
    code, out, err = one_file(project, ("import time\n\n" + body).encode())
    line, col = position.split(":")
    expected = (
        f"app/services/x.py:{int(line) + 2}:{col}: FAP001 cannot parse file: valid Python that libcst, the parser "
        "fapcheck reads code with, cannot read (a limit of the parser, not an error in the file); the file is "
        "not checked"
    )
    assert (code, out.splitlines()[0], err) == (1, expected, "")
    assert "SyntaxError" not in out


@pytest.mark.parametrize(
    "data",
    [
        b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n",
        b"\xef\xbb\xbfNAME = 'caf\xc3\xa9'\n",
        b"",
        b"x = " + b"(" * 150 + b"1" + b")" * 150 + b"\n",
        b"type Pair[T] = tuple[T, T]\n\ndef first[T](pair: Pair[T]) -> T:\n    return pair[0]\n",
    ],
    ids=["encoding-cookie", "bom", "empty", "nested-150", "pep695"],
)
def test_valid_source_is_clean(project: Path, data: bytes) -> None:
    assert one_file(project, data) == (0, "All checks passed!\n", "")


def test_a_five_megabyte_file(project: Path) -> None:
    data = b'BLOB = "' + b"x" * (5 * 1024 * 1024) + b'"\n'
    assert one_file(project, data) == (0, "All checks passed!\n", "")


def test_thousands_of_concatenated_strings_with_a_finding(project: Path) -> None:
    """One tree node per piece: deeper than Python's recursion limit, for the walk and for positions."""
    pieces = " ".join(f'"{i}"' for i in range(3000))
    data = f"import time\nX = ({pieces})\n\nasync def f() -> None:\n    time.sleep(1)\n".encode()
    code, out, err = one_file(project, data)
    assert (code, out.splitlines()[0].split(" time.sleep")[0], err) == (1, "app/services/x.py:5:5: FAP402 [*]", "")


def test_directory_without_python_files(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# docs\n")
    result = fapcheck(project, "docs")
    assert (result.returncode, result.stderr) == (0, b"warning: No Python files found under the given path(s)\n")


def test_missing_path(project: Path) -> None:
    result = fapcheck(project, "nope.py")
    assert (result.returncode, result.stderr) == (2, b"error: nope.py: No such file or directory\n")


def test_unreadable_files_and_symlink_loops(project: Path) -> None:
    directory = project / "app" / "services"
    directory.mkdir(parents=True)
    (directory / "dangling.py").symlink_to("nowhere.py")
    (directory / "loop_a.py").symlink_to("loop_b.py")
    (directory / "loop_b.py").symlink_to("loop_a.py")
    (directory / "cycle").symlink_to(".")  # a directory loop is not followed
    os.mkfifo(directory / "pipe.py")  # a FIFO would block a read: never read in a walk
    result = fapcheck(project, ".")
    assert result.returncode == 1
    assert result.stdout.decode().splitlines() == [
        "app/services/dangling.py:1:1: FAP001 cannot read file: No such file or directory",
        "app/services/loop_a.py:1:1: FAP001 cannot read file: Too many levels of symbolic links",
        "app/services/loop_b.py:1:1: FAP001 cannot read file: Too many levels of symbolic links",
        "Found 3 errors.",
    ]
    named = fapcheck(project, "app/services/pipe.py")
    assert (named.returncode, named.stderr) == (2, b"error: app/services/pipe.py: not a regular file\n")


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ("[tool.fapcheck\n", "pyproject.toml: not valid TOML: "),
        (
            "[tool.fapcheck]\nselect = 'FAP'\n",
            "[tool.fapcheck]: 'select' must be a list of rule codes or prefixes, got str",
        ),
        ("[tool.fapcheck]\nsellect = []\n", "[tool.fapcheck]: unknown key 'sellect' (did you mean 'select'?)"),
        ("[tool.fapcheck]\nignore = ['FAP999']\n", "'ignore': unknown rule code or prefix 'FAP999'"),
        ("[tool.fapcheck]\nextend-exclude = ['!']\n", "'extend-exclude' has an invalid pattern '!'"),
    ],
    ids=["invalid-toml", "wrong-type", "unknown-key", "unknown-code", "invalid-glob"],
)
def test_bad_configuration_exits_2_with_one_line(project: Path, pyproject: str, message: str) -> None:
    write(project, {"pyproject.toml": pyproject, "app/x.py": "x = 1\n"})
    result = run_fapcheck("--no-cache", cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr


def test_unwritable_cache_directory_warns_once_and_keeps_the_findings(project: Path) -> None:
    write(
        project,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/users.py": "from app.repositories.users import UserRepository\n",
            "app/repositories/__init__.py": "",
            "app/repositories/users.py": "",
            "blocker": "a file where the cache directory would be\n",
        },
    )
    result = run_fapcheck("--cache-dir", "blocker/cache", "--output-format", "concise", cwd=project)
    assert result.returncode == 1
    assert "FAP101" in result.stdout
    assert result.stderr.startswith("warning: cannot write the cache in blocker/cache")
    assert "continuing without it" in result.stderr
    assert result.stderr.count("warning: cannot write the cache") == 1


def test_an_internal_error_in_one_file_keeps_the_others(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fapcheck.rules import rule_class

    rule = rule_class("FAP103")
    original = rule.visit_ImportFrom

    def explode(self: Any, node: Any) -> None:
        if "boom" in str(self.ctx.path):
            raise RuntimeError("rule exploded")
        original(self, node)

    monkeypatch.setattr(rule, "visit_ImportFrom", explode)
    write(
        project,
        {
            "app/services/boom.py": "from fastapi import Depends\n",
            "app/services/fine.py": "from fastapi import Request\n",
        },
    )
    result = runner.invoke(app, ["--no-cache", "--output-format", "concise", "-j", "1"])
    assert result.exit_code == 2
    assert "app/services/fine.py:1:21: FAP103" in result.output
    assert (
        "error: app/services/boom.py: internal error: RuntimeError: rule exploded. "
        "Please report this as a fapcheck bug." in result.output
    )
    assert "Traceback" not in result.output
    verbose = runner.invoke(app, ["--no-cache", "--output-format", "concise", "-j", "1", "--verbose"])
    assert "Traceback (most recent call last)" in verbose.output


def test_checked_code_is_never_executed(project: Path) -> None:
    marker = project / "executed"
    write(
        project,
        {
            "app/__init__.py": f"open({str(marker)!r}, 'w').write('imported')\n",
            "app/services/evil.py": f"import sys\nopen({str(marker)!r}, 'w').write('ran')\nsys.exit(3)\n",
            "conftest.py": "raise SystemExit(4)\n",
        },
    )
    result = fapcheck(project, ".")
    assert result.returncode == 0
    assert not marker.exists()


def test_same_output_across_runs_and_job_counts() -> None:
    args = ("--no-cache", "--output-format", "concise", "--select", "ALL", "--exit-zero", "fixtures")
    outputs = {run_fapcheck(*args, "-j", jobs, cwd=REPO).stdout for jobs in ("1", "2", "1", "2")}
    assert len(outputs) == 1
    assert len(outputs.pop().splitlines()) > 100


def test_two_processes_on_one_tree_and_cache(project: Path) -> None:
    files = {
        f"app/api/r{i}.py": f"from app.repositories.x{i} import X\nimport time\nasync def h():\n    time.sleep(1)\n"
        for i in range(30)
    }
    files.update({f"app/repositories/x{i}.py": "class X: ...\n" for i in range(30)})
    write(project, {**files, "app/__init__.py": "", "app/api/__init__.py": "", "app/repositories/__init__.py": ""})
    command = [sys.executable, "-m", "fapcheck", "--output-format", "concise", "--cache-dir", "shared-cache"]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, env=checkout_env()) for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert outputs[0] == outputs[1]
    assert outputs[0].decode().rstrip().endswith("Found 60 errors (30 fixable with --fix).")
    aged(project)  # the next run trusts the stamps the two runs left
    again = run_fapcheck(*command[3:], cwd=project, text=False)
    assert again.stdout == outputs[0]
    assert again.stdout.count(b"FAP101") == 30


def test_an_imported_module_nested_too_deeply_is_never_parsed(project: Path) -> None:
    """Its facts and its functions are read for the route's check: libcst would overflow its stack."""
    write(
        project,
        {
            "app/services/deep.py": "X = " + "(" * 3000 + "1" + ")" * 3000 + "\ndef helper() -> None:\n    pass\n",
            "app/api/routes/r.py": "from app.services.deep import helper\n\nasync def h() -> None:\n    helper()\n",
        },
    )
    result = fapcheck(project)
    assert (result.returncode, result.stderr) == (1, b"")
    assert result.stdout.decode().splitlines()[0].startswith("app/services/deep.py:1:1: FAP001 cannot parse file")


@pytest.mark.parametrize(
    ("text", "suspect"),
    [
        ("x = " + "not " * 400 + "y\n", True),
        ("x = " + "- " * 399 + "1\n", False),
        ("x = " + "-" * 400 + "1\n", True),
        ("f = " + "lambda: " * 400 + "0\n", True),
        ("async def f():\n    " + "await " * 400 + "g()\n", True),
        ("x = " + "knot " * 400 + "y\n", False),  # a keyword only at a word boundary
        ("# " + "-" * 300 + "\n" + "x = a * b\n" * 200, False),  # many operators, no run of them
    ],
)
def test_runs_of_prefix_operators_are_suspects(text: str, suspect: bool) -> None:
    import re

    from fapcheck.semantic.source import _operator_run

    bounded = r"(?:(?:\bnot\b|\blambda\b[^:\n]*:|\bawait\b|[-+~*])\s*){400,}"  # the plain form of the pattern
    assert _operator_run(text) is suspect
    assert (re.search(bounded, text) is not None) is suspect
