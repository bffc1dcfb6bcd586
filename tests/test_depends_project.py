"""Cross-module Depends findings survive a run on one changed file, as pre-commit makes."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, run_fapcheck

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
    ("app/api/routes/users.py:20", "FAP503"),
    ("app/api/routes/users.py:22", "FAP502"),
    ("app/api/routes/users.py:23", "FAP501"),
]


def test_one_changed_route_file_is_resolved_against_the_project() -> None:
    assert concise("app/api/routes/users.py") == ROUTE_FINDINGS


def test_one_changed_provider_file_is_resolved_against_the_project() -> None:
    assert concise("app/api/deps.py") == [("app/api/deps.py:22", "FAP505")]


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
