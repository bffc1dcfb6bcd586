"""The one collector: every fixture file's findings must equal its inline expectations.

Each directory under fixtures/rules/ and fixtures/projects/ is checked as its own
project with every rule enabled, so a line without `# expect:` must be clean. The
demo carries no markers: its findings are listed in tests/test_demo.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from fapcheck.config import Config, find_config, parse_table
from fapcheck.engine.files import discover
from fapcheck.engine.runner import run
from fapcheck.findings import Finding

from conftest import FIXTURES
from expectations import expected


def rule_projects() -> list[Path]:
    return sorted(p for p in (FIXTURES / "rules").iterdir() if p.is_dir())


def projects() -> list[Path]:
    """One project per rule, and projects whose findings span modules."""
    return [*rule_projects(), *sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())]


def project_config(root: Path) -> Config:
    found = find_config(root)
    base = parse_table(*found[1], path=found[0]) if found and found[0].parent == root else Config()
    return replace(base, root=root, select=("ALL",), extend_exclude=(*base.extend_exclude, "*.fixed.py"))


@cache
def findings_of(root: Path) -> dict[Path, list[Finding]]:
    config = project_config(root)
    files = discover([str(root)], config).files
    result = run([(p, str(p)) for p in files], config)
    by_file: dict[Path, list[Finding]] = {p: [] for p in files}
    for finding in result.findings:
        by_file[Path(finding.path)].append(finding)
    return by_file


def fixture_files() -> list[tuple[Path, Path]]:
    return [
        (root, path)
        for root in projects()
        for path in sorted(root.rglob("*.py"))
        if not path.name.endswith(".fixed.py")
    ]


@pytest.mark.parametrize(
    ("root", "path"), fixture_files(), ids=[str(p.relative_to(FIXTURES)) for _, p in fixture_files()]
)
def test_fixture(root: Path, path: Path) -> None:
    got = Counter((f.line, f.code) for f in findings_of(root)[path])
    want = expected(path)
    messages = {(f.line, f.code): f.message for f in findings_of(root)[path]}
    unexpected = {key: messages[key] for key in got - want}
    missing = sorted(want - got)
    assert not unexpected and not missing, f"unexpected: {unexpected}\nmissing: {missing}"


def test_every_rule_directory_names_a_known_rule() -> None:
    from fapcheck.catalog import BY_CODE

    for root in rule_projects():
        assert root.name in BY_CODE, root
