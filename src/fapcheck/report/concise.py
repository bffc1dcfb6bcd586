"""`path:line:col: CODE message`, one finding a line, for editors and grep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from fapcheck.findings import Finding
from fapcheck.report import ReportOptions


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    for f in findings:
        marker = "[*] " if f.fix is not None else ""
        stream.write(f"{f.path}:{f.line}:{f.col}: {f.code} {marker}{f.message}\n")
