"""Reporters, one module per output format, imported only when used."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Protocol, TextIO

from fapcheck.findings import Finding

FORMATS: dict[str, str] = {
    "full": "full",
    "concise": "concise",
}


class Reporter(Protocol):
    def __call__(self, findings: Sequence[Finding], stream: TextIO, *, color: bool, quiet: bool) -> None: ...


def reporter(name: str) -> Reporter:
    module = importlib.import_module(f"fapcheck.report.{FORMATS[name]}")
    write: Reporter = module.write
    return write
