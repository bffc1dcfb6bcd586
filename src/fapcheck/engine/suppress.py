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

    def suppresses(self, code: str, line: int) -> bool:
        if self.file_level and (not self.file_codes or any(code.startswith(c) for c in self.file_codes)):
            return True
        comment = self.by_line.get(line)
        if comment is None:
            return False
        if comment.codes is None:
            comment.used.add(code)
            return True
        if code in comment.codes:
            comment.used.add(code)
            return True
        return False


def read_suppressions(text: str) -> Suppressions:
    suppressions = Suppressions()
    if "noqa" not in text and "NOQA" not in text:
        return suppressions
    saw_code = False
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                _read_comment(token, saw_code, suppressions)
            elif token.type not in (
                tokenize.NL,
                tokenize.NEWLINE,
                tokenize.ENCODING,
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.ENDMARKER,
            ):
                saw_code = True
    except (tokenize.TokenError, SyntaxError):
        pass  # the parser already accepted the file; keep what was read
    return suppressions


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
