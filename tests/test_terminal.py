"""Terminal niceties: a progress bar for long runs on a terminal only, statistics, colour switches."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import _write_statistics, app
from fapcheck.config import Config
from fapcheck.engine.runner import run
from fapcheck.findings import Edit, FileResult, Finding, Fix
from fapcheck.report.progress import ProgressBar
from test_cli import VIOLATING

from conftest import write

runner = CliRunner()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_bar_appears_only_after_a_second_on_a_terminal() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar(10, stream, clock=clock)
    bar.advance()
    clock.now += 0.5
    bar.advance()
    assert stream.getvalue() == ""  # a quick run shows nothing
    clock.now += 0.6
    bar.advance()
    bar.close()
    assert "Checking" in stream.getvalue()
    assert "3/10" in stream.getvalue()


def test_progress_bar_never_when_not_a_terminal() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(10, stream, clock=clock)
    clock.now += 5
    for _ in range(10):
        bar.advance()
    bar.close()
    assert stream.getvalue() == ""


def test_the_runner_reports_each_file_as_it_is_done(project: Path) -> None:
    write(project, VIOLATING)
    done: list[FileResult] = []
    paths = sorted(project.rglob("*.py"))
    run([(path, path.name) for path in paths], Config(root=project), on_result=done.append)
    assert sorted(result.path for result in done) == sorted(path.name for path in paths)


def test_statistics_table_counts_and_marks_fixable_rules() -> None:
    fix = Fix("remove it", (Edit(1, 1, 1, 2, ""),))
    findings = [
        Finding("a.py", 1, 1, "FAP101", "m", 1, 2),
        Finding("a.py", 2, 1, "FAP101", "m", 2, 2),
        Finding("b.py", 1, 1, "FAP002", "m", 1, 2, fix=fix),
    ]
    stream = io.StringIO()
    _write_statistics(findings, stream)
    assert stream.getvalue().splitlines() == [
        "count  code    name                      fixable",
        "2      FAP101  route-imports-repository",
        "1      FAP002  unused-noqa               *",
    ]


def test_color_switches(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, VIOLATING)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in runner.invoke(app, ["--statistics"]).output  # not a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in runner.invoke(app, ["--statistics"]).output
    assert "\x1b[" in runner.invoke(app, []).output
    for machine in ("concise", "json", "sarif", "github", "gitlab", "junit"):
        assert "\x1b[" not in runner.invoke(app, ["--output-format", machine]).output, machine
    monkeypatch.setenv("NO_COLOR", "1")  # wins over FORCE_COLOR
    assert "\x1b[" not in runner.invoke(app, []).output
    assert "\x1b[" not in runner.invoke(app, ["--statistics"]).output


def test_no_progress_output_when_not_a_terminal(project: Path) -> None:
    write(project, VIOLATING)
    result = runner.invoke(app, ["--output-format", "json"])
    assert result.stderr == ""
