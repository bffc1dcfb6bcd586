"""`fapcheck graph`: golden snapshots of the demo project's layer graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import REPO

runner = CliRunner()
GOLDEN = REPO / "tests" / "data" / "golden"


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        ([], "graph_demo.mmd"),
        (["--format", "dot"], "graph_demo.dot"),
        (["--modules"], "graph_demo_modules.mmd"),
    ],
)
def test_graph_snapshot(args: list[str], golden: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, ["graph", "fixtures/demo", *args])
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN / golden).read_text()


def test_forbidden_edges_are_red_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    output = runner.invoke(app, ["graph", "fixtures/demo"]).output.splitlines()
    edges = [line.strip() for line in output if "-->" in line]
    (style,) = [line for line in output if line.startswith("    linkStyle ")]
    red = [int(i) for i in style.split()[1].split(",")]

    assert sorted(edges[i] for i in red) == [
        'repository -->|"FAP102: 1"| service',
        'route -->|"FAP101: 1"| repository',
        'schema -->|"FAP102: 1"| service',
    ]


def test_graph_of_an_empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["graph"])
    assert result.exit_code == 0
    assert result.output == "flowchart TD\n"
