from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from fapcheck.baseline import key_of
from fapcheck.cli import app
from fapcheck.engine.files import discover
from fapcheck.engine.runner import run
from fapcheck.report.fingerprint import fingerprints
from test_fixtures import project_config, projects

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


BLOCKING_CHAIN = {
    "app/services/reports.py": (
        "import requests\n\n\n"
        "def upload(data: bytes) -> None:\n"
        "    requests.post('https://storage.example.com', data=data)\n\n\n"
        "def build_report() -> None:\n"
        "    upload(b'report')\n"
    ),
    "app/api/routes/reports.py": (
        "from app.services.reports import build_report\n\n\nasync def reports_now() -> None:\n    build_report()\n"
    ),
}


def shifted(project: Path, path: str, above: str) -> None:
    """Insert lines above the line that starts with `above`."""
    text = (project / path).read_text()
    index = text.index(above)
    (project / path).write_text(text[:index] + "# moved down\n\n" + text[index:])


def test_a_blocking_chain_survives_lines_inserted_above_its_call_site_and_its_steps(project: Path) -> None:
    write(project, BLOCKING_CHAIN)
    assert runner.invoke(app, ["--write-baseline", "baseline.json", "--select", "FAP406"]).exit_code == 0
    reports = {f: runner.invoke(app, ["--output-format", f, "--select", "FAP406"]).output for f in ("gitlab", "sarif")}
    assert "FAP406" in reports["gitlab"]
    assert related_lines() == [8, 4, 5]  # build_report, upload, requests.post()

    shifted(project, "app/api/routes/reports.py", "    build_report()")
    shifted(project, "app/services/reports.py", "def upload")
    shifted(project, "app/services/reports.py", "def build_report")
    assert concise("--select", "FAP406")[0].startswith("app/api/routes/reports.py:7:")  # the call moved down
    assert related_lines() == [12, 6, 7]  # and so did the steps: their positions are no part of any key
    result = runner.invoke(app, ["--baseline", "baseline.json", "--select", "FAP406"])
    assert (result.exit_code, result.output) == (0, "All checks passed!\n")

    gitlab = runner.invoke(app, ["--output-format", "gitlab", "--select", "FAP406"]).output
    assert [i["fingerprint"] for i in json.loads(gitlab)] == [i["fingerprint"] for i in json.loads(reports["gitlab"])]
    sarif = runner.invoke(app, ["--output-format", "sarif", "--select", "FAP406"]).output
    assert partial_fingerprints(sarif) == partial_fingerprints(reports["sarif"])


def related_lines() -> list[int]:
    output = runner.invoke(app, ["--output-format", "json", "--select", "FAP406"]).output
    return [place["line"] for place in json.loads(output)[0]["related"]]


def partial_fingerprints(sarif: str) -> list[dict[str, str]]:
    return [result["partialFingerprints"] for result in json.loads(sarif)["runs"][0]["results"]]


def test_no_rule_fingerprints_a_line_number(tmp_path: Path) -> None:
    """Every fixture project, checked again with a line inserted at the top of each file (after its
    leading comments, which may hold an encoding cookie): the same baseline keys and report fingerprints."""
    for source in projects():
        root = tmp_path / source.name
        shutil.copytree(source, root)
        before = stable_keys(root)
        for path in root.rglob("*.py"):
            lines = path.read_bytes().splitlines(keepends=True)
            top = next(
                (i for i, line in enumerate(lines) if not line.lstrip(codecs.BOM_UTF8).startswith(b"#")), len(lines)
            )
            path.write_bytes(b"".join([*lines[:top], b"\n", *lines[top:]]))
        after = stable_keys(root)
        assert before[0] == after[0], source.name
        assert before[1] != after[1] or not before[1], source.name  # the findings did move


def stable_keys(root: Path) -> tuple[list[tuple[tuple[str, str, str], str]], list[int]]:
    config = project_config(root)
    files = discover([str(root)], config).files
    findings = sorted(run([(p, str(p)) for p in files], config).findings)
    keys = sorted(zip([key_of(f, root) for f in findings], fingerprints(findings), strict=True))
    return keys, [f.line for f in findings]
