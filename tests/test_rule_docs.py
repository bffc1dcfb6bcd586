"""Every rule documents itself, and its documented examples are checked (they cannot rot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fapcheck.api import lint_paths
from fapcheck.catalog import CATALOG, RuleSpec
from fapcheck.config import Config
from fapcheck.rules import rule_class

from conftest import FIXTURES, write

SECTIONS = ("## Why is this bad?", "## Example", "## Use instead", "## Fix safety")
BLOCK = re.compile(r"## (Example|Use instead)\n+```python\n(.*?)```", re.S)
FILE_HEADER = re.compile(r"^# ([\w./]+\.pyi?)$", re.M)
ENGINE_CODES = {"FAP001", "FAP002"}


def examples(spec: RuleSpec) -> dict[str, str]:
    return {kind: body for kind, body in BLOCK.findall(rule_class(spec.code).documentation())}


def split_files(block: str) -> dict[str, str]:
    """A block may hold several files, each introduced by a `# path/to/file.py` line."""
    headers = list(FILE_HEADER.finditer(block))
    if not headers:
        return {"module.py": block}
    return {
        match.group(1): block[match.end() : headers[i + 1].start() if i + 1 < len(headers) else len(block)]
        for i, match in enumerate(headers)
    }


@pytest.mark.parametrize("spec", CATALOG, ids=[s.code for s in CATALOG])
def test_rule_is_documented(spec: RuleSpec) -> None:
    rule = rule_class(spec.code)
    doc = rule.documentation()
    assert rule.code == spec.code
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", spec.name)
    assert not spec.name.startswith(("no-", "use-")), "name rules for the pattern they flag"
    for section in SECTIONS:
        assert section in doc, f"{spec.code} lacks {section}"
    assert set(examples(spec)) == {"Example", "Use instead"}


@pytest.mark.parametrize("spec", CATALOG, ids=[s.code for s in CATALOG])
def test_rule_has_a_fixture_directory(spec: RuleSpec) -> None:
    directory = FIXTURES / "rules" / spec.code
    assert directory.is_dir(), f"fixtures/rules/{spec.code} is missing"
    assert any("# expect: " + spec.code in p.read_text(errors="replace") for p in directory.rglob("*.py"))


def test_codes_and_names_are_unique() -> None:
    assert len({s.code for s in CATALOG}) == len(CATALOG)
    assert len({s.name for s in CATALOG}) == len(CATALOG)


@pytest.mark.parametrize("spec", [s for s in CATALOG if s.code not in ENGINE_CODES], ids=lambda s: s.code)
def test_documented_examples(spec: RuleSpec, project: Path) -> None:
    for kind, block in examples(spec).items():
        files = split_files(block)
        root = project / kind.replace(" ", "_")
        write(root, files)
        result = lint_paths([root], Config(root=root, select=(spec.code,)))
        last = str((root / list(files)[-1]).relative_to(project))
        codes = [f.code for f in result.findings if f.path == last]
        if kind == "Example":
            assert spec.code in codes, f"the documented example of {spec.code} is not flagged"
        else:
            assert not result.findings, f"the documented fix of {spec.code} is flagged: {result.findings}"
