"""The closing line shared by the human-readable formats."""

from __future__ import annotations

from collections.abc import Sequence

from fapcheck.findings import Finding


def summary_line(findings: Sequence[Finding]) -> str:
    count = len(findings)
    if count == 0:
        return "All checks passed!"
    noun = "error" if count == 1 else "errors"
    fixable = sum(1 for f in findings if f.fix is not None)
    tail = f" ({fixable} fixable with --fix)" if fixable else ""
    return f"Found {count} {noun}{tail}."
