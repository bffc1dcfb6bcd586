"""One JSON object per line, the same objects as the `json` format: easy to stream and grep."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from fapcheck.findings import Finding
from fapcheck.report import ReportOptions
from fapcheck.report.json import record


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    for finding in findings:
        stream.write(json.dumps(record(finding), ensure_ascii=False) + "\n")
