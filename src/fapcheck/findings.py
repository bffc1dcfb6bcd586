"""Value types shared by the engine, the reporters and the public API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _by_fields(self: Any) -> tuple[type, tuple[object, ...]]:
    """Pickled as a call of the class with its fields, in order: a frozen slots dataclass's own
    `__setstate__` looks its fields up for every object, which made reading the result cache several
    times slower."""
    return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace source from (line, col) to (end_line, end_col), 1-based, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]
    safe: bool = True

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class RelatedLocation:
    """Another place a finding leads through: a step of a FAP406 chain, or the blocking call at its end.

    Kept out of the message and of every fingerprint, so a baseline survives the step's code moving."""

    path: str  # shown like the finding's own path
    line: int  # 1-based
    col: int  # 1-based
    name: str  # what is there: 'OrderService.export', 'requests.post()'

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One reported problem. Lines and columns are 1-based; the end is exclusive."""

    path: str
    line: int
    col: int
    code: str
    message: str
    end_line: int
    end_col: int
    layer: str = "unmapped"
    source_line: str = field(default="", compare=False)
    fix: Fix | None = field(default=None, compare=False)
    related: tuple[RelatedLocation, ...] = field(default=(), compare=False)  # in order, outermost first

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything one file contributes to a run; picklable, holds no CST node."""

    path: str
    layer: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[str, ...] = ()  # internal errors while checking this file (its findings may be incomplete)
    traces: tuple[str, ...] = ()  # their tracebacks, shown with --verbose

    __reduce__ = _by_fields
