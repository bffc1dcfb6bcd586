"""Map a file path to its architectural layer. Pure: no parsing, no I/O."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pathspec

from fapcheck.catalog import DEPENDENCY, LAYERS, MODEL, REPOSITORY, ROUTE, SCHEMA, SERVICE, UNMAPPED

# Directory names of the zero-configuration preset (SPEC §1).
PRESET_DIRECTORIES: Mapping[str, tuple[str, ...]] = {
    ROUTE: ("routes", "routers", "router", "api", "endpoints", "views", "controllers", "controller", "handlers"),
    SERVICE: ("services", "service", "usecases", "use_cases", "usecase", "use_case"),
    REPOSITORY: ("repositories", "repository", "repos", "repo", "crud", "dao", "dal", "persistence"),
    SCHEMA: ("schemas", "schema", "dto"),
    MODEL: ("models", "model", "entities", "orm"),
    DEPENDENCY: ("deps", "dependencies"),
}

# File-stem words: the directory words plus the singular forms people use for files.
PRESET_FILE_WORDS: Mapping[str, tuple[str, ...]] = {
    **PRESET_DIRECTORIES,
    ROUTE: (*PRESET_DIRECTORIES[ROUTE], "route", "endpoint", "view"),
}


# Code outside the application's layers: tests and generated migrations. Any such
# directory in the path, or a test file name, leaves the file unmapped.
NEUTRAL_DIRECTORIES = frozenset({"tests", "test", "testing", "migrations", "alembic", "scripts"})
# Of those, the code that serves no request: the blocking-call rules (FAP4) stay quiet there but in
# route handlers, unless `[tool.fapcheck.blocking] check-tests-and-scripts = true`.
TEST_AND_SCRIPT_DIRECTORIES = frozenset({"tests", "test", "testing", "scripts"})


def _is_test_file(stem: str) -> bool:
    return stem == "conftest" or stem.startswith("test_") or stem.endswith("_test")


@dataclass(frozen=True, slots=True)
class LayerDecision:
    layer: str
    pattern: str  # what decided it, for `fapcheck layers`
    test_or_script: bool = False  # left unmapped by the preset as a test or a script

    @property
    def mapped(self) -> bool:
        return self.layer != UNMAPPED


UNMAPPED_DECISION = LayerDecision(UNMAPPED, "")


def compile_pattern(pattern: str) -> pathspec.GitIgnoreSpec:
    """Compile one gitignore-style pattern; raises ValueError when it is invalid."""
    try:
        return pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception as error:  # pathspec raises its own error types
        raise ValueError(str(error)) from None


def relative_posix(path: Path, root: Path) -> str:
    """The path as a posix string relative to root, else to the cwd, else without its anchor."""
    absolute = Path(os.path.abspath(path))
    for base in (root, Path.cwd()):
        try:
            return absolute.relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            continue
    return PurePosixPath(*absolute.parts[1:]).as_posix()


class LayerMap:
    """Decides the layer of a path from user patterns first, then the preset.

    User patterns for a layer replace the preset words of that layer; `extend`
    patterns add to them. Among user patterns the longest matching one wins.

    In the preset, the innermost matching path part wins: a file name that is a
    layer word (`crud.py`, `deps.py`), then a file name whose last word is one
    (`user_service.py`), then the innermost layer directory. A file name's
    first word (`crud_user.py`) counts only outside layer directories, and a
    file inside a layer directory whose name also carries that layer's word
    (`routes/controller_self_service.py`) stays in the directory's layer.
    """

    def __init__(
        self,
        root: Path,
        replace: Mapping[str, Sequence[str]] | None = None,
        extend: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.root = root
        replace = replace or {}
        extend = extend or {}
        self._user: list[tuple[str, str, pathspec.GitIgnoreSpec]] = [
            (layer, pattern, compile_pattern(pattern))
            for layer in LAYERS
            for pattern in (*replace.get(layer, ()), *extend.get(layer, ()))
        ]
        self._dir_words = {
            word: layer for layer, words in PRESET_DIRECTORIES.items() if layer not in replace for word in words
        }
        self._file_words = {
            word: layer for layer, words in PRESET_FILE_WORDS.items() if layer not in replace for word in words
        }

    def layer_for(self, path: Path | str) -> LayerDecision:
        rel = relative_posix(Path(path), self.root)
        return self.layer_for_relative(rel)

    def layer_for_relative(self, rel: str) -> LayerDecision:
        best: tuple[int, str, str] | None = None
        for layer, pattern, spec in self._user:
            if spec.match_file(rel) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), layer, pattern)
        if best is not None:
            return LayerDecision(best[1], best[2])
        return self._preset(rel)

    def _preset(self, rel: str) -> LayerDecision:
        parts = rel.split("/")
        stem = parts[-1].rsplit(".", 1)[0]
        neutral = next((part for part in parts[:-1] if part in NEUTRAL_DIRECTORIES), None)
        if neutral is not None:
            return LayerDecision(UNMAPPED, f"preset: {neutral}/ (not a layer)", neutral in TEST_AND_SCRIPT_DIRECTORIES)
        if _is_test_file(stem):
            return LayerDecision(UNMAPPED, "preset: test file (not a layer)", True)
        whole = self._file_words.get(stem)
        if whole is not None:
            return LayerDecision(whole, f"preset: file name '{stem}'")
        directory = next(
            (
                LayerDecision(self._dir_words[part], f"preset: {part}/")
                for part in reversed(parts[:-1])
                if part in self._dir_words
            ),
            UNMAPPED_DECISION,
        )
        words = stem.split("_")
        if directory.mapped and directory.layer in {self._file_words.get(word) for word in words}:
            return directory  # the file name agrees with its directory
        for word in (words[-1], words[0]) if not directory.mapped else (words[-1],):
            layer = self._file_words.get(word)
            if layer is not None:
                return LayerDecision(layer, f"preset: file name '{word}'")
        return directory
