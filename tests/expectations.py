"""Inline expectations: `# expect: FAP301` (or several codes) on each line that must be reported."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>FAP\d{3}(?:[,\s]+FAP\d{3})*)")
CODE = re.compile(r"FAP\d{3}")


def expected(path: Path) -> Counter[tuple[int, str]]:
    counts: Counter[tuple[int, str]] = Counter()
    text = path.read_bytes().decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            counts.update((number, code) for code in CODE.findall(match.group("codes")))
    return counts
