"""Reporters, one module per output format, imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from fapcheck.findings import Finding

FORMATS: dict[str, str] = {
    "full": "full",
    "concise": "concise",
    "json": "json",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}

# One scheme for every link to a rule's documentation (SARIF helpUri, LSP codeDescription).
RULE_DOCS_URL = "https://fapcheck.readthedocs.io/en/latest/rules/{code}/"


def rule_url(code: str) -> str:
    return RULE_DOCS_URL.format(code=code)


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What a reporter may need besides the findings."""

    color: bool = False
    quiet: bool = False
    codes: tuple[str, ...] = ()  # the selected rule codes, sorted (SARIF lists them all)
    rule_docs: Mapping[str, str] = field(default_factory=dict)  # code -> documentation, where a format shows it


class Reporter(Protocol):
    def __call__(self, findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None: ...


def reporter(name: str) -> Reporter:
    module = importlib.import_module(f"fapcheck.report.{FORMATS[name]}")
    write: Reporter = module.write
    return write
