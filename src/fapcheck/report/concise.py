"""`path:line:col: CODE message`, one finding a line, for editors and grep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from fapcheck.findings import Finding
from fapcheck.report import ReportOptions

# A chain of more steps than this is shortened in the middle, so a finding stays one readable line.
MAX_STEPS = 4


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    for f in findings:
        marker = "[*] " if f.fix is not None and f.fix.safe else ""
        stream.write(f"{f.path}:{f.line}:{f.col}: {f.code} {marker}{shortened(f)}\n")


def shortened(finding: Finding) -> str:
    """The message with its chain shortened past MAX_STEPS steps: `a -> b -> … -> y -> z`.

    A chain is written `step -> step -> blocking call`; its related places are the same steps and the
    call, so the message holds a chain exactly when it splits into as many parts as there are places.
    """
    parts = finding.message.split(" -> ")
    if len(parts) != len(finding.related) or len(parts) <= MAX_STEPS + 1:
        return finding.message
    return " -> ".join([*parts[:2], "…", *parts[-2:]])
