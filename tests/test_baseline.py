from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fapcheck.cli import app

from conftest import write

runner = CliRunner()

REPOSITORY = {"app/repositories/users.py": "class UserRepository: ...\n"}
ROUTE = "from app.repositories.users import UserRepository\n"


def concise(*args: str) -> list[str]:
    return runner.invoke(app, ["--output-format", "concise", "-q", *args]).output.splitlines()


def test_baseline_hides_old_findings_and_survives_moves(project: Path) -> None:
    write(project, {**REPOSITORY, "app/api/users.py": ROUTE})
    result = runner.invoke(app, ["--write-baseline", "baseline.json"])
    assert result.exit_code == 0
    assert result.output == "Wrote 1 finding to the baseline baseline.json.\n"
    data = json.loads((project / "baseline.json").read_text())
    assert data["version"] == 1
    assert [(e["path"], e["code"], e["count"]) for e in data["findings"]] == [("app/api/users.py", "FAP101", 1)]

    assert runner.invoke(app, ["--baseline", "baseline.json"]).exit_code == 0
    # lines inserted above the old finding do not revive it
    write(project, {"app/api/users.py": '"""Users."""\n\nimport os\n\n' + ROUTE})
    assert runner.invoke(app, ["--baseline", "baseline.json"]).exit_code == 0
    # a second identical violation in the same file is new
    write(project, {"app/api/users.py": ROUTE + "\n\ndef f() -> None:\n    " + ROUTE})
    lines = concise("--baseline", "baseline.json")
    assert lines == [
        "app/api/users.py:5:40: FAP101 route module imports repository module 'app.repositories.users' "
        "(repository: preset: repositories/): "
        "call it through a service"
    ]


def test_stale_entries_are_reported_by_statistics(project: Path) -> None:
    write(project, {**REPOSITORY, "app/api/users.py": ROUTE})
    runner.invoke(app, ["--write-baseline", "baseline.json"])
    write(project, {"app/api/users.py": "import os\n"})
    result = runner.invoke(app, ["--baseline", "baseline.json", "--statistics"])
    assert result.exit_code == 0
    assert "1 baseline entry is stale (fixed since):\n  app/api/users.py: FAP101\n" in result.output


def test_bad_baseline_exits_2(project: Path) -> None:
    write(project, {"baseline.json": "{not json", **REPOSITORY})
    result = runner.invoke(app, ["--baseline", "baseline.json"])
    assert result.exit_code == 2
    assert "baseline.json: not a fapcheck baseline" in result.output
    result = runner.invoke(app, ["--baseline", "missing.json"])
    assert result.exit_code == 2
    assert "missing.json: cannot read baseline: No such file or directory" in result.output


def test_baseline_is_stable(project: Path) -> None:
    write(project, {**REPOSITORY, "app/api/users.py": ROUTE, "app/api/items.py": ROUTE})
    runner.invoke(app, ["--write-baseline", "a.json"])
    runner.invoke(app, ["--write-baseline", "b.json"])
    assert (project / "a.json").read_bytes() == (project / "b.json").read_bytes()
    paths = [e["path"] for e in json.loads((project / "a.json").read_text())["findings"]]
    assert paths == sorted(paths)
