"""Reporters, one module per output format, imported only when used."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, TextIO

from fapcheck.findings import Finding

FORMATS: dict[str, str] = {
    "full": "full",
    "concise": "concise",
    "json": "json",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}

# One scheme for every link to a rule's documentation (SARIF helpUri, LSP codeDescription).
RULE_DOCS_URL = "https://fapcheck.readthedocs.io/en/latest/rules/{code}/"


def rule_url(code: str) -> str:
    return RULE_DOCS_URL.format(code=code)


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What a reporter may need besides the findings."""

    color: bool = False
    quiet: bool = False
    codes: tuple[str, ...] = ()  # the selected rule codes, sorted (SARIF lists them all)
    rule_docs: Mapping[str, str] = field(default_factory=dict)  # code -> documentation, where a format shows it


class Reporter(Protocol):
    def __call__(self, findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None: ...


# Formats a person reads, or whose syntax a control character breaks (XML 1.0 forbids most of them;
# a workflow command or a `concise` line ends at a newline): every control character, lone surrogate (a
# file name that is not UTF-8) and bidirectional override is escaped, so text from file names and source
# lines cannot forge a line, move the cursor or reorder what is shown.
ESCAPED_FORMATS = frozenset({"full", "concise", "github", "junit"})
# GitHub's workflow commands and XML escape line breaks themselves (`%0A`, `&#10;`): kept there.
_OWN_LINE_BREAKS = frozenset({"github", "junit"})
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNPRINTABLE_BUT_LINES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SURROGATES = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as `surrogateescape` decoded it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """The text with control characters, lone surrogates and bidirectional overrides escaped (`\\x1b`)."""
    return _UNPRINTABLE.sub(_escaped, text) if _UNPRINTABLE.search(text) else text


def printable_lines(text: str) -> str:
    """Like `printable`, keeping line breaks (for formats that escape them in their own way)."""
    return _UNPRINTABLE_BUT_LINES.sub(_escaped, text) if _UNPRINTABLE_BUT_LINES.search(text) else text


def encodable(text: str) -> str:
    """The text with lone surrogates (bytes of a file name that are not UTF-8) escaped: JSON formats
    escape control characters themselves, but a surrogate cannot be written as UTF-8 at all."""
    return _SURROGATES.sub(_escaped, text) if _SURROGATES.search(text) else text


def _cleaned(findings: Sequence[Finding], clean: Callable[[str], str], paths: bool = True) -> list[Finding]:
    def one(f: Finding) -> Finding:
        related = tuple(replace(r, path=clean(r.path) if paths else r.path, name=clean(r.name)) for r in f.related)
        return replace(
            f,
            path=clean(f.path) if paths else f.path,
            message=clean(f.message),
            source_line=clean(f.source_line),
            related=related,
        )

    return [one(f) for f in findings]


def reporter(name: str) -> Reporter:
    module = importlib.import_module(f"fapcheck.report.{FORMATS[name]}")
    write: Reporter = module.write
    # SARIF writes paths as URIs, whose percent-encoding takes any byte: only its text is made encodable.
    clean, paths = (printable, True) if name in ESCAPED_FORMATS else (encodable, name != "sarif")
    if name in _OWN_LINE_BREAKS:
        clean = printable_lines

    def safe(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
        write(_cleaned(findings, clean, paths), stream, options)

    return safe
