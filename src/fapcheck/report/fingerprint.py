"""Fingerprints that identify a finding across commits, for code-quality and code-scanning tools."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from fapcheck.findings import Finding


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, in order.

    Built from the path, the code and the stripped source line, plus the index of
    the finding among identical ones, so moving code up or down keeps it stable
    while two equal lines in one file still get distinct fingerprints.
    """
    seen: dict[tuple[str, str, str], int] = {}
    result: list[str] = []
    for finding in findings:
        key = (finding.path, finding.code, finding.source_line.strip())
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        payload = "\0".join((*key, str(occurrence))).encode("utf-8", "surrogateescape")  # any file name
        result.append(hashlib.md5(payload, usedforsecurity=False).hexdigest())
    return result
