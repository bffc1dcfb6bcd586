"""A module's text as CPython reads it: its encoding, and whether it is nested too deeply to parse safely.

Free of libcst, so that the pre-checks can ask before anything is parsed.
"""

from __future__ import annotations

import ast
import re
import tokenize
import warnings
from itertools import accumulate


def source_encoding(source: bytes) -> str:
    """The PEP 263 / BOM encoding, as CPython would read the file."""
    lines = iter(source.splitlines(keepends=True)[:2])
    try:
        encoding, _ = tokenize.detect_encoding(lambda: next(lines, b""))
    except SyntaxError as error:
        if "unknown encoding" in str(error) or "encoding problem" in str(error):
            raise
        return "utf-8"  # undecodable bytes in the first lines: let decoding say where
    return encoding


_BRACKETS = re.compile(r"[\[\](){}]")
_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
# Long runs of prefix operators nest just as deeply as brackets do. Each element of a run starts with a
# literal (the keyword's word boundary is checked behind it), so the search skips ahead to the next
# candidate instead of trying every position; a text without that many candidates holds no run at all.
_RUN_LENGTH = 400
_OPERATOR_RUN = re.compile(
    r"(?:(?:not(?<!\wnot)\b|lambda(?<!\wlambda)\b[^:\n]*:|await(?<!\wawait)\b|[-+~*])\s*)" + f"{{{_RUN_LENGTH},}}"
)
_RUN_ELEMENTS = ("-", "+", "~", "*", "not", "lambda", "await")
_MAX_DEPTH = 150
_TOO_COMPLEX = ("too many nested", "too many levels of indentation", "too many statically nested", "too complex")


def _operator_run(text: str) -> bool:
    if sum(map(text.count, _RUN_ELEMENTS)) < _RUN_LENGTH:
        return False
    return _OPERATOR_RUN.search(text) is not None


def too_deep(text: str, display: str) -> str | None:
    """Why a file is nested too deeply to be parsed safely, or None.

    A cheap scan (bracket depth, runs of prefix operators) finds the suspects;
    CPython's compiler, which refuses such code itself, has the last word.
    """
    steps = map(_STEP.__getitem__, _BRACKETS.findall(text))
    if max(accumulate(steps, initial=0)) <= _MAX_DEPTH and not _operator_run(text):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, display, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (MemoryError, RecursionError):
        return "nested too deeply"
    except SyntaxError as error:
        if any(reason in str(error.msg) for reason in _TOO_COMPLEX):
            return f"nested too deeply ({error.msg})"
    except ValueError:
        return None
    return None
