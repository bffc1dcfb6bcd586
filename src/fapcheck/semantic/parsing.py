"""Parse another project file with libcst, as safely as a file's own check does.

Reading other modules (their facts, their functions, the import graph) must
decode them as their own check would and must never hand libcst's native
parser a file nested so deeply that it would overflow its stack: that is a
crash of the whole run, not an error. Such a file yields no tree here; its
own check reports it as FAP001.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import libcst as cst

from fapcheck.reading import read_regular
from fapcheck.semantic.source import source_encoding, too_deep


def parse_source(source: bytes, display: str, rewrite: Callable[[str], str] | None = None) -> cst.Module | None:
    """The tree of a module's bytes (of its text after `rewrite`), or None when it cannot be parsed."""
    try:
        encoding = source_encoding(source)
        text = source.decode(encoding)
        if "\0" in text or too_deep(text, display) is not None:
            return None
        return cst.parse_module(rewrite(text) if rewrite else text, cst.PartialParserConfig(encoding=encoding))
    except Exception:  # syntax errors, undecodable bytes: the file's own check reports them
        return None


def parse_file(path: Path) -> cst.Module | None:
    try:
        source = read_regular(path)
    except OSError:
        return None
    return parse_source(source, str(path))
