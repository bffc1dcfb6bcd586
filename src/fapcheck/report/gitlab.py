"""GitLab Code Quality JSON (a subset of the Code Climate format) with stable fingerprints."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from fapcheck.catalog import BY_CODE
from fapcheck.findings import Finding
from fapcheck.report import ReportOptions
from fapcheck.report.fingerprint import fingerprints

# Code Climate categories by rule family (the hundreds digit of the code).
_CATEGORIES = {"1": "Style", "2": "Style", "3": "Style", "4": "Performance"}


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    issues: list[dict[str, Any]] = []
    for finding, fingerprint in zip(findings, fingerprints(findings), strict=True):
        spec = BY_CODE.get(finding.code)
        issues.append(
            {
                "type": "issue",
                "check_name": f"{finding.code} {spec.name}" if spec else finding.code,
                "description": f"{finding.code} {finding.message}",
                "categories": [_CATEGORIES.get(finding.code[3:4], "Bug Risk")],
                "severity": "major",
                "fingerprint": fingerprint,
                "location": {
                    "path": finding.path,
                    "positions": {
                        "begin": {"line": finding.line, "column": finding.col},
                        "end": {"line": finding.end_line, "column": finding.end_col},
                    },
                },
            }
        )
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
