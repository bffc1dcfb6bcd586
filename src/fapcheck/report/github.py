"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from fapcheck.catalog import BY_CODE
from fapcheck.findings import Finding
from fapcheck.report import ReportOptions


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    for f in findings:
        spec = BY_CODE.get(f.code)
        title = f"{f.code} ({spec.name})" if spec else f.code
        properties = {
            "file": f.path,
            "line": f.line,
            "col": f.col,
            "endLine": f.end_line,
            "endColumn": f.end_col,
            "title": title,
        }
        joined = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        stream.write(f"::error {joined}::{escape_data(f'{f.code} {f.message}')}\n")
