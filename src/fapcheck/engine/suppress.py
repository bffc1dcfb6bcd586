"""`# noqa` comments, read from the token stream (never from CST parents)."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"^#\s*fapcheck:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?\s*$", re.I)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


@dataclass(slots=True)
class NoqaComment:
    line: int
    col: int  # 1-based column of '#'
    end_col: int
    codes: tuple[str, ...] | None  # None when the comment names no codes
    used: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Suppressions:
    by_line: dict[int, NoqaComment] = field(default_factory=dict)
    file_codes: tuple[str, ...] | None = None  # file-level: None = nothing, () = everything
    file_level: bool = False
    # A line that goes on (a `\` at its end, a string it opens) -> the line its comment goes on, as in ruff.
    carried: dict[int, int] = field(default_factory=dict)

    def suppresses(self, code: str, line: int) -> bool:
        if self.file_level and (not self.file_codes or any(code.startswith(c) for c in self.file_codes)):
            return True
        comment = self.by_line.get(line) or self.by_line.get(self.carried.get(line, 0))
        if comment is None:
            return False
        if comment.codes is None:
            comment.used.add(code)
            return True
        if code in comment.codes:
            comment.used.add(code)
            return True
        return False


_LAYOUT = (tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)


class _Continuations:
    """Lines that go on into the next: a `\\` continuation, or a token (a string) that spans lines."""

    def __init__(self) -> None:
        self.onto: dict[int, int] = {}
        self.last: tokenize.TokenInfo | None = None

    def see(self, token: tokenize.TokenInfo) -> None:
        start, end = token.start[0], token.end[0]
        last = self.last
        if last is not None and start > last.end[0] and last.type not in (*_LAYOUT, tokenize.COMMENT):
            self._join(last.end[0], start)  # nothing ended the line before: a backslash did
        if end > start and token.type not in _LAYOUT:
            self._join(start, end)
        self.last = token

    def _join(self, first: int, last: int) -> None:
        for line in range(first, last):
            self.onto[line] = max(self.onto.get(line, 0), last)

    def resolved(self) -> dict[int, int]:
        """Each continued line -> the last line of its chain."""
        final: dict[int, int] = {}
        for line in sorted(self.onto, reverse=True):
            target = self.onto[line]
            final[line] = final.get(target, target)
        return final


def read_suppressions(text: str) -> Suppressions:
    suppressions = Suppressions()
    if "noqa" not in text and "NOQA" not in text:
        return suppressions
    saw_code = False
    continuations = _Continuations()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            continuations.see(token)
            if token.type == tokenize.COMMENT:
                _read_comment(token, saw_code, suppressions)
            elif token.type not in _LAYOUT:
                saw_code = True
    except (tokenize.TokenError, SyntaxError):
        pass  # the parser already accepted the file; keep what was read
    suppressions.carried = continuations.resolved()
    return suppressions


def noqa_place(text: str, line: int) -> tuple[int, int | None] | None:
    """Where a `# noqa` for `line` goes: the line itself or, when it goes on past its end (a `\\`, a string
    it opens), the last line of the chain; with the column of the comment that line already ends with. None
    when the text cannot be tokenized."""
    continuations = _Continuations()
    comments: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            continuations.see(token)
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.start[1]
    except (tokenize.TokenError, SyntaxError):
        return None
    target = continuations.resolved().get(line, line)
    return target, comments.get(target)


def _read_comment(token: tokenize.TokenInfo, saw_code: bool, suppressions: Suppressions) -> None:
    comment = token.string
    line, col = token.start
    if not saw_code:
        match = _FILE_NOQA.match(comment)
        if match:
            suppressions.file_level = True
            codes = match.group("codes")
            suppressions.file_codes = tuple(c.upper() for c in _CODE.findall(codes)) if codes else ()
            return
    match = _NOQA.search(comment)
    if match is None:
        return
    codes = match.group("codes")
    parsed = tuple(c.upper() for c in _CODE.findall(codes)) if codes else None
    suppressions.by_line[line] = NoqaComment(line, col + 1 + match.start(), col + 1 + match.end(), parsed)
