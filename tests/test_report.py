"""Machine-readable output formats: golden files, schemas and the tools that read them."""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from typer.testing import CliRunner

from fapcheck.api import lint_paths, lint_source
from fapcheck.catalog import BY_CODE
from fapcheck.cli import app
from fapcheck.config import Config
from fapcheck.findings import Edit, Finding, Fix, RelatedLocation
from fapcheck.report import FORMATS, ReportOptions, reporter, rule_url
from fapcheck.report import sarif as sarif_module
from fapcheck.report.github import escape_data, escape_property

from conftest import write

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "golden"
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
MACHINE_FORMATS = ("json", "json-lines", "sarif", "github", "gitlab", "junit")
GOLDEN_FORMATS = ("full", "concise", *MACHINE_FORMATS)
EXTENSIONS = {
    "full": "txt", "concise": "txt", "json": "json", "json-lines": "jsonl", "sarif": "sarif", "github": "txt",
    "gitlab": "json", "junit": "xml",
}  # fmt: skip
GOLDEN_CODES = ("FAP001", "FAP002", "FAP101", "FAP102", "FAP103", "FAP406")
runner = CliRunner()

ROUTE_IMPORTS_REPOSITORY = {
    "app/__init__.py": "",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py": "class UserRepository: ...\n",
    "app/api/__init__.py": "",
    "app/api/routes/__init__.py": "",
    "app/api/routes/users.py": "from app.repositories.users import UserRepository\n",
}


GOLDEN_PROJECT = {
    **ROUTE_IMPORTS_REPOSITORY,
    "app/services/__init__.py": "",
    "app/services/orders.py": "from fastapi import HTTPException\n\n\nclass OrderService: ...\n",
    "app/schemas/__init__.py": "",
    "app/schemas/order.py": "from app.services.orders import OrderService  # noqa: FAP102\nimport os  # noqa: FAP101\n",
    "app/api/routes/broken.py": "def handler(:\n    pass\n",
    "app/api/routes/orders.py": "from app.services.orders import OrderService\n",
}


def demo_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    """A small project's findings (layer rules only, so new rules leave the goldens alone), plus
    hand-made ones that no rule produces yet (a fix, characters that need escaping)."""
    write(tmp_path, GOLDEN_PROJECT)
    monkeypatch.chdir(tmp_path)
    findings = lint_paths(["app"], Config(root=tmp_path, select=GOLDEN_CODES)).findings
    fix = Fix("Remove the unused `noqa` directive", (Edit(3, 12, 3, 27, ""),))
    extra = [
        Finding("app/a,b%c.py", 3, 12, "FAP002", "Unused `noqa` directive (unused: FAP101)", 3, 27, "unmapped",
                "import os  # noqa: FAP101", fix),
        Finding("app/a,b%c.py", 5, 1, "FAP001", "SyntaxError: a message: with, commas\nand a newline", 5, 2),
        blocking_chain(24, "service.export(order_id)", [("ExportService.export", "app/services/export.py", 5, 9)],
                       ("requests.post()", "app/services/export.py", 6, 9)),
        blocking_chain(31, "nightly()", [(name, f"app/jobs/{name}.py", 3, 5) for name in ("nightly", "gather",
                       "render", "archive", "upload", "store")], ("boto3.client(...).put_object()", "app/s3.py", 9, 5)),
    ]  # fmt: skip
    return sorted([*findings, *extra])


Place = tuple[str, str, int, int]  # name, path, line, column


def blocking_chain(line: int, source: str, steps: list[Place], blocking: Place) -> Finding:
    """A FAP406 finding as the rule reports it: the chain by name and file in the message, with positions
    only in its related places."""
    chain = " -> ".join(f"{name} ({path})" for name, path, _, _ in steps)
    message = (
        f"async 'export_order' calls a blocking chain: {chain} -> {blocking[0]}; "
        "offload it with 'await asyncio.to_thread(...)' or make the chain async"
    )
    related = tuple(RelatedLocation(path, at, col, name) for name, path, at, col in (*steps, blocking))
    return Finding("app/api/routes/orders.py", line, 5, "FAP406", message, line, 5 + len(source), "route",
                   f"    {source}", related=related)  # fmt: skip


def render(name: str, findings: list[Finding], codes: tuple[str, ...] = GOLDEN_CODES) -> str:
    # Stand-in documentation, so the goldens do not change whenever a rule's documentation does.
    docs = {code: f"Documentation of {code}.\n\n## What it does\nIt checks {code}." for code in codes}
    stream = io.StringIO()
    reporter(name)(findings, stream, ReportOptions(codes=codes, rule_docs=docs))
    return stream.getvalue()


@pytest.fixture
def stable_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif_module, "__version__", "0.0.0")


@pytest.mark.parametrize("name", GOLDEN_FORMATS)
def test_golden(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stable_version: None) -> None:
    output = render(name, demo_findings(tmp_path, monkeypatch))
    golden = GOLDEN / f"{name}.{EXTENSIONS[name]}"
    if os.environ.get("FAPCHECK_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_every_format_is_a_cli_choice_and_a_module() -> None:
    from fapcheck.cli import OutputFormat

    assert {f.value for f in OutputFormat} == set(FORMATS)
    for name in FORMATS:
        assert callable(reporter(name))


@pytest.mark.parametrize("name", MACHINE_FORMATS)
def test_cli_output_file(name: str, project: Path) -> None:
    write(project, ROUTE_IMPORTS_REPOSITORY)
    result = runner.invoke(app, ["--output-format", name, "--output-file", "report.out", "."])
    assert result.exit_code == 1
    assert result.output == ""
    text = (project / "report.out").read_text(encoding="utf-8")
    assert "app/api/routes/users.py" in text
    assert "FAP101" in text


def test_json_carries_every_field(project: Path) -> None:
    write(project, ROUTE_IMPORTS_REPOSITORY)
    result = runner.invoke(app, ["--output-format", "json"])
    assert json.loads(result.output) == [
        {
            "code": "FAP101",
            "name": "route-imports-repository",
            "message": "route module imports repository module 'app.repositories.users' "
            "(repository: preset: repositories/): call it through a service",
            "path": "app/api/routes/users.py",
            "line": 1,
            "column": 36,
            "end_line": 1,
            "end_column": 50,
            "layer": "route",
            "url": rule_url("FAP101"),
            "fix": None,
            "related": [],
        }
    ]
    lines = runner.invoke(app, ["--output-format", "json-lines"]).output.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(result.output)


def test_json_of_no_findings_is_an_empty_list(project: Path) -> None:
    write(project, {"app/main.py": "x = 1\n"})
    result = runner.invoke(app, ["--output-format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == []
    assert runner.invoke(app, ["--output-format", "json-lines"]).output == ""


# ------------------------------------------------------------------ SARIF


def validate_sarif(document: object) -> None:
    validator_class = jsonschema.validators.validator_for(SARIF_SCHEMA)
    validator_class.check_schema(SARIF_SCHEMA)
    validator_class(SARIF_SCHEMA, format_checker=validator_class.FORMAT_CHECKER).validate(document)


def test_sarif_validates_against_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(render("sarif", demo_findings(tmp_path, monkeypatch), tuple(sorted(BY_CODE))))
    validate_sarif(document)
    assert document["version"] == "2.1.0"
    results = document["runs"][0]["results"]
    assert any("fixes" in result for result in results)
    assert any("relatedLocations" in result for result in results)


def test_sarif_from_the_cli_validates_and_lists_every_selected_rule(project: Path) -> None:
    write(project, {**ROUTE_IMPORTS_REPOSITORY, "app/broken.py": "def f(:\n"})
    result = runner.invoke(app, ["--output-format", "sarif", "--ignore", "FAP103"])
    assert result.exit_code == 1
    document = json.loads(result.output)
    validate_sarif(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    # every selected rule: all but the ignored FAP103 and FAP407, which is off by default
    assert [rule["id"] for rule in rules] == sorted(code for code in BY_CODE if code not in ("FAP103", "FAP407"))
    for rule in rules:
        spec = BY_CODE[rule["id"]]
        assert rule["name"] == spec.name
        assert rule["shortDescription"]["text"] == spec.summary
        assert rule["fullDescription"]["text"]  # the rule's "What it does" section
        assert rule["helpUri"] == rule_url(spec.code)
        assert "## Why is this bad?" in rule["help"]["markdown"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"FAP001", "FAP101"}
    location = by_rule["FAP101"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app/api/routes/users.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 1 and location["region"]["startColumn"] == 36
    assert rules[by_rule["FAP101"]["ruleIndex"]]["id"] == "FAP101"
    assert by_rule["FAP101"]["partialFingerprints"]


def test_sarif_absolute_path_is_a_file_uri() -> None:
    finding = Finding("/tmp/my project/app.py", 1, 1, "FAP001", "x", 1, 2)
    document = json.loads(render("sarif", [finding]))
    validate_sarif(document)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "file:///tmp/my%20project/app.py"}


# ------------------------------------------------------------------ FAP406 chains

CHAINS = {
    "app/services/steps.py": (
        "import requests\n\n\n"
        "def fifth() -> None:\n    requests.get('https://example.com')\n\n\n"
        "def fourth() -> None:\n    fifth()\n\n\n"
        "def third() -> None:\n    fourth()\n\n\n"
        "def second() -> None:\n    third()\n\n\n"
        "def first() -> None:\n    second()\n"
    ),
    "app/api/routes/steps.py": (
        "from app.services.steps import first, second\n\n\n"
        "def local() -> None:\n    first()\n\n\n"
        "async def six_steps() -> None:\n    local()\n\n\n"
        "async def four_steps() -> None:\n    second()\n"
    ),
}


def test_a_chain_lists_where_each_step_is_defined_and_where_it_blocks(project: Path) -> None:
    write(project, CHAINS)
    six, four = lint_paths(["."], Config(root=project, select=("FAP406",))).findings
    service = "app/services/steps.py"
    assert [(p.path, p.line, p.col, p.name) for p in six.related] == [
        ("app/api/routes/steps.py", 4, 5, "local"),  # in the checked file: from its own walk
        (service, 20, 5, "first"),
        (service, 16, 5, "second"),
        (service, 12, 5, "third"),
        (service, 8, 5, "fourth"),
        (service, 4, 5, "fifth"),
        (service, 5, 5, "requests.get()"),
    ]
    assert [p.name for p in four.related] == ["second", "third", "fourth", "fifth", "requests.get()"]
    assert not any(str(p.line) in six.message for p in six.related)


def test_concise_shortens_a_chain_of_more_than_four_steps_in_the_middle(project: Path) -> None:
    write(project, CHAINS)
    six, four = runner.invoke(app, ["--output-format", "concise", "-q", "--select", "FAP406"]).output.splitlines()
    assert "calls a blocking chain: local (app/api/routes/steps.py) -> first (app/services/steps.py) -> … -> " \
        "fifth (app/services/steps.py) -> requests.get(); offload it" in six  # fmt: skip
    assert "second" not in six
    assert "chain: second (app/services/steps.py) -> third (app/services/steps.py) -> fourth " in four
    assert "…" not in four


def test_concise_shortens_only_a_chain_its_related_places_spell() -> None:
    arrows = " -> ".join("abcdefg")
    plain = Finding("app/x.py", 1, 1, "FAP406", arrows, 1, 2)
    assert render("concise", [plain]) == f"app/x.py:1:1: FAP406 {arrows}\n"
    places = tuple(RelatedLocation("app/y.py", line, 1, name) for line, name in enumerate("abcdefg", 1))
    assert render("concise", [replace(plain, related=places)]) == "app/x.py:1:1: FAP406 a -> b -> … -> f -> g\n"
    assert render("concise", [replace(plain, related=places[:2])]) == f"app/x.py:1:1: FAP406 {arrows}\n"


def test_full_lists_the_chain_under_the_finding(project: Path) -> None:
    write(project, CHAINS)
    output = runner.invoke(app, ["--select", "FAP406", "app/api/routes/steps.py"]).output
    assert (
        "   = chain:\n"
        "       app/services/steps.py:16:5: second\n"
        "       app/services/steps.py:12:5: third\n"
        "       app/services/steps.py:8:5: fourth\n"
        "       app/services/steps.py:4:5: fifth\n"
        "       app/services/steps.py:5:5: requests.get()\n"
    ) in output


def test_sarif_links_each_step_of_a_chain(project: Path) -> None:
    write(project, CHAINS)
    document = json.loads(runner.invoke(app, ["--output-format", "sarif", "--select", "FAP406"]).output)
    validate_sarif(document)
    four = document["runs"][0]["results"][1]
    related = four["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2, 3, 4, 5]
    assert [r["message"]["text"] for r in related] == ["second", "third", "fourth", "fifth", "requests.get()"]
    first = related[0]["physicalLocation"]
    assert first["artifactLocation"] == {"uri": "app/services/steps.py", "uriBaseId": "%SRCROOT%"}
    assert first["region"] == {"startLine": 16, "startColumn": 5}
    # code scanning shows a related location where the message links to it by id
    assert four["message"]["text"].endswith(
        "Chain: [second](1) -> [third](2) -> [fourth](3) -> [fifth](4) -> [requests.get()](5)"
    )


def test_sarif_escapes_brackets_of_a_message_with_links() -> None:
    place = RelatedLocation("app/y.py", 3, 5, "Repo[int].get")
    finding = Finding("app/x.py", 1, 1, "FAP406", "calls [x](y)", 1, 2, related=(place,))
    document = json.loads(render("sarif", [finding]))
    validate_sarif(document)
    assert document["runs"][0]["results"][0]["message"]["text"] == r"calls \[x\](y). Chain: [Repo\[int\].get](1)"


# ------------------------------------------------------------------ GitHub


def unescape(text: str) -> str:
    return re.sub("%(25|0D|0A|3A|2C)", lambda m: bytes.fromhex(m.group(1)).decode(), text)


def test_github_annotations_are_escaped_and_parse_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = demo_findings(tmp_path, monkeypatch)
    lines = render("github", findings).splitlines()
    assert len(lines) == len(findings)
    command = re.compile(r"^::error (?P<props>[^:]*)::(?P<message>[^\r\n]*)$")
    for line, finding in zip(lines, findings, strict=True):
        match = command.match(line)
        assert match, line
        props = dict(part.split("=", 1) for part in match["props"].split(","))
        assert {key: unescape(value) for key, value in props.items()} == {
            "file": finding.path,
            "line": str(finding.line),
            "col": str(finding.col),
            "endLine": str(finding.end_line),
            "endColumn": str(finding.end_col),
            "title": f"{finding.code} ({BY_CODE[finding.code].name})",
        }
        assert unescape(match["message"]) == f"{finding.code} {finding.message}"


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


# ------------------------------------------------------------------ GitLab


def gitlab_fingerprints(source: str) -> list[tuple[int, str]]:
    findings = lint_source(source, "app/api/routes/users.py")
    return [(item["location"]["positions"]["begin"]["line"], item["fingerprint"])
            for item in json.loads(render("gitlab", findings))]  # fmt: skip


def test_gitlab_fingerprints_survive_line_shifts_and_tell_twins_apart(project: Path) -> None:
    write(project, ROUTE_IMPORTS_REPOSITORY)
    source = (
        "from app.repositories.users import UserRepository\n"
        "from app.repositories import users\n"
        "from app.repositories.users import UserRepository\n"
    )
    before = gitlab_fingerprints(source)
    after = gitlab_fingerprints('"""Users."""\n\nimport os\n' + source)
    assert [line for line, _ in before] == [1, 2, 3]
    assert [line for line, _ in after] == [4, 5, 6]
    assert [fp for _, fp in before] == [fp for _, fp in after]
    assert len({fp for _, fp in before}) == 3  # the two identical lines get distinct fingerprints
    changed = gitlab_fingerprints(source.replace("import users", "import users as user_repository"))
    assert changed[0][1] == before[0][1] and changed[1][1] != before[1][1]


def test_gitlab_report_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issues = json.loads(render("gitlab", demo_findings(tmp_path, monkeypatch)))
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["positions"]["begin"]["line"], int)
        assert not issue["location"]["path"].startswith("/")


# ------------------------------------------------------------------ JUnit


def test_junit_is_one_failing_testcase_per_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    findings = demo_findings(tmp_path, monkeypatch)
    root = ET.fromstring(render("junit", findings).encode("utf-8"))
    assert root.tag == "testsuites"
    assert root.get("tests") == root.get("failures") == str(len(findings))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == sorted({f.path for f in findings})
    cases = [case for suite in suites for case in suite.findall("testcase")]
    assert len(cases) == len(findings)
    for suite in suites:
        assert int(suite.get("tests", "")) == len(suite.findall("testcase")) == int(suite.get("failures", ""))
    for case, finding in zip(cases, findings, strict=True):
        assert case.get("classname") == finding.path
        failure = case.find("failure")
        assert failure is not None
        assert failure.get("type") == finding.code
        assert failure.get("message") == finding.message
        assert f"{finding.path}:{finding.line}:{finding.col}" in (failure.text or "")


def test_junit_without_findings_is_a_passing_report() -> None:
    root = ET.fromstring(render("junit", []))
    assert root.get("tests") == "0" and root.get("failures") == "0"
    assert [suite.get("tests") for suite in root.findall("testsuite")] == ["0"]


def test_an_unsafe_fix_is_not_counted_or_marked_as_fixable_with_fix_alone(tmp_path: Path) -> None:
    from conftest import run_fapcheck, write

    write(
        tmp_path,
        {
            "pyproject.toml": "[tool.fapcheck]\n",
            "app/core/db.py": "from sqlalchemy.ext.asyncio import async_sessionmaker\n\nmaker = async_sessionmaker()\n",
            "app/services/slow.py": "import time\n\n\nasync def pause() -> None:\n    time.sleep(1)\n",
        },
    )
    result = run_fapcheck("--no-cache", "--output-format", "concise", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert "app/core/db.py:3:9: FAP601 " in lines[0] and "[*]" not in lines[0]  # unsafe: applied only when asked
    assert "app/services/slow.py:5:5: FAP402 [*] " in lines[1]
    assert lines[-1] == "Found 2 errors (1 fixable with --fix; 1 more fixable with --fix --unsafe-fixes)."
