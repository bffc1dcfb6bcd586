"""`path:line:col: CODE message`, one finding a line, for editors and grep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from fapcheck.findings import Finding
from fapcheck.report import ReportOptions
from fapcheck.report.summary import summary_line


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    for f in findings:
        stream.write(f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}\n")
    if not options.quiet and findings:
        stream.write(summary_line(findings) + "\n")
