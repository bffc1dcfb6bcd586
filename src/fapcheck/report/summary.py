"""The closing line shared by the human-readable formats."""

from __future__ import annotations

from collections.abc import Sequence

from fapcheck.findings import Finding


def summary_line(findings: Sequence[Finding], fixed: int | None = None) -> str:
    """`Found N errors.`, with what --fix did or could do, as ruff words it."""
    count = len(findings) + (fixed or 0)
    if count == 0:
        return "All checks passed!"
    noun = "error" if count == 1 else "errors"
    if fixed is not None:
        return f"Found {count} {noun} ({fixed} fixed, {len(findings)} remaining)."
    fixable = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    hidden = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    notes = [f"{fixable} fixable with --fix"] if fixable else []
    if hidden:  # as ruff: an unsafe fix is applied only when asked for
        notes.append(f"{hidden} {'more ' if fixable else ''}fixable with --fix --unsafe-fixes")
    tail = f" ({'; '.join(notes)})" if notes else ""
    return f"Found {count} {noun}{tail}."
