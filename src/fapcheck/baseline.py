"""Record today's findings and later report only new ones.

An entry matches by path, code and a fingerprint of the finding's stripped
source line and message, so code that moves up or down keeps its entry; a
count per entry makes a second identical violation in the same file new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fapcheck.findings import Finding
from fapcheck.layers import relative_posix
from fapcheck.reading import read_regular

FORMAT_VERSION = 1

Key = tuple[str, str, str]  # (path relative to the project root, code, fingerprint)


class BaselineError(Exception):
    pass


def fingerprint(finding: Finding) -> str:
    text = f"{finding.code}\0{finding.source_line.strip()}\0{finding.message}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def key_of(finding: Finding, root: Path) -> Key:
    return (relative_posix(Path(finding.path), root), finding.code, fingerprint(finding))


@dataclass(frozen=True, slots=True)
class BaselineResult:
    new: list[Finding]
    matched: int
    stale: list[tuple[Key, int]]  # entries (or parts of their count) that matched nothing


def write_baseline(path: Path, findings: Sequence[Finding], root: Path) -> int:
    counts = Counter(key_of(f, root) for f in findings)
    entries = [
        {"path": p, "code": code, "fingerprint": fp, "count": count} for (p, code, fp), count in sorted(counts.items())
    ]
    text = json.dumps({"version": FORMAT_VERSION, "findings": entries}, indent=2, sort_keys=True) + "\n"
    from fapcheck.writes import WriteRefused, replace_file

    try:
        replace_file(path, text.encode("utf-8"))
    except WriteRefused as error:
        raise BaselineError(f"cannot write the baseline: {error}") from None
    except OSError as error:
        raise BaselineError(f"{path}: cannot write the baseline: {error.strerror or error}") from None
    return len(findings)


def read_baseline(path: Path) -> Counter[Key]:
    try:
        data = json.loads(read_regular(path).decode("utf-8"))  # never a FIFO, which would block the run
    except OSError as error:
        raise BaselineError(f"{path}: cannot read baseline: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: not a fapcheck baseline: {error}") from None
    except RecursionError:
        raise BaselineError(f"{path}: not a fapcheck baseline: nested too deeply") from None
    entries = data.get("findings") if isinstance(data, dict) and data.get("version") == FORMAT_VERSION else None
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: not a fapcheck baseline (expected version {FORMAT_VERSION})")
    counts: Counter[Key] = Counter()
    for entry in entries:
        try:
            count = entry["count"]
            if type(count) is not int or count < 1:
                raise ValueError(count)
            counts[(str(entry["path"]), str(entry["code"]), str(entry["fingerprint"]))] += count
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{path}: malformed baseline entry {_shown(entry)}") from None
    return counts


def apply_baseline(findings: Sequence[Finding], baseline: Counter[Key], root: Path) -> BaselineResult:
    remaining = Counter(baseline)
    new: list[Finding] = []
    for finding in sorted(findings):
        key = key_of(finding, root)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(finding)
    stale = sorted((key, count) for key, count in remaining.items() if count > 0)
    return BaselineResult(new, len(findings) - len(new), stale)


def _shown(entry: object) -> str:
    text = repr(entry)
    return text if len(text) <= 200 else text[:197] + "..."
