"""A JSON list of findings with every field: position, layer, rule and fix."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from fapcheck.catalog import BY_CODE
from fapcheck.findings import Finding, Fix
from fapcheck.report import ReportOptions, rule_url


def record(finding: Finding) -> dict[str, Any]:
    spec = BY_CODE.get(finding.code)
    return {
        "code": finding.code,
        "name": spec.name if spec else None,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "column": finding.col,
        "end_line": finding.end_line,
        "end_column": finding.end_col,
        "layer": finding.layer,
        "url": rule_url(finding.code),
        "fix": _fix(finding.fix),
        "related": [
            {"path": place.path, "line": place.line, "column": place.col, "name": place.name}
            for place in finding.related
        ],
    }


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "description": fix.description,
        "applicability": "safe" if fix.safe else "unsafe",
        "edits": [
            {
                "line": edit.line,
                "column": edit.col,
                "end_line": edit.end_line,
                "end_column": edit.end_col,
                "content": edit.text,
            }
            for edit in fix.edits
        ],
    }


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    json.dump([record(f) for f in findings], stream, indent=2, ensure_ascii=False)
    stream.write("\n")
