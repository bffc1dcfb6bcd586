"""Map a file to its architectural layer: by its path, and by its own text where the path leaves room.

No libcst here. The preset reads directory listings (a directory that holds
other layers is not one) and, where the path says nothing or plainly
contradicts the code, the file's text through CPython's tree (evidence.py).
Every decision says what it read, so a result cache can tell when it changes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from fapcheck.catalog import DEPENDENCY, LAYERS, MODEL, REPOSITORY, ROUTE, SCHEMA, SERVICE, UNMAPPED
from fapcheck.evidence import content_evidence, holds_other_code
from fapcheck.reading import read_regular

if TYPE_CHECKING:
    import pathspec

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


# What decided a layer: a user pattern and a neutral directory are final; the preset's path
# decisions, and no decision at all, leave room for the file's own text.
USER, NEUTRAL, PRESET, NOTHING, CONTENT = "user", "neutral", "preset", "nothing", "content"
# The tiers of the stack: a directory that holds another tier's directory is the application package
# (api/ with v1/services/). Data definitions and providers nest inside a layer package (api/schemas/,
# models/schemas/, api/dependencies/) without making it one.
_STACK = frozenset({ROUTE, SERVICE, REPOSITORY})
# Directories never looked into for layer directories: they hold no application code.
_SKIPPED_DIRECTORIES = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "build", "dist"})
# A file the preset maps by a word of its name (not by its directory): only route code keeps it a route.
_ROUTE_FILE_NAME = "preset: file name"


@dataclass(frozen=True, slots=True)
class LayerDecision:
    layer: str
    pattern: str  # what decided it, for `fapcheck layers`
    kind: str = NOTHING
    # The directories whose listing the decision read (absolute), and whether it read the file's text:
    # a cached result that depends on this decision holds while they do.
    listed: tuple[str, ...] = ()
    read: bool = False
    test_or_script: bool = False  # left unmapped by the preset as a test or a script

    @property
    def mapped(self) -> bool:
        return self.layer != UNMAPPED


UNMAPPED_DECISION = LayerDecision(UNMAPPED, "")


# Beyond these, pathspec's expression of a pattern backtracks without bound on names that almost match
# (`*a*a*a*a*a*a*a*a*a*a*ab` took 35 s against one name; four `*` in a segment take a second on a
# 250-character one, three take 25 ms; five `**` take 0.3 s on a 60-part path, four 25 ms).
MAX_STARS_PER_SEGMENT = 3
MAX_DOUBLE_STARS = 4


def compile_pattern(pattern: str) -> pathspec.GitIgnoreSpec:
    """Compile one gitignore-style pattern; raises ValueError when it is invalid or too complex to match
    in bounded time (more than MAX_STARS_PER_SEGMENT `*` in one path segment, or MAX_DOUBLE_STARS `**`)."""
    import pathspec  # only for configurations with patterns

    segments = pattern.split("/")
    if sum(segment == "**" for segment in segments) > MAX_DOUBLE_STARS:
        raise ValueError(f"more than {MAX_DOUBLE_STARS} '**' in one pattern")
    if any(segment != "**" and segment.count("*") > MAX_STARS_PER_SEGMENT for segment in segments):
        raise ValueError(f"more than {MAX_STARS_PER_SEGMENT} '*' in one path segment")
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
    """Decides the layer of a file from user patterns first, then the preset, then its text.

    User patterns for a layer replace the preset words of that layer; `extend`
    patterns add to them. Among user patterns the longest matching one wins.

    In the preset, the innermost layer directory decides, skipping containers
    (a directory that holds a route, service or repository directory of
    another layer: a top-level `api/` package with `v1/routes/` and
    `v1/services/`) and domain packages
    (a layer-named directory whose files are named after two other layers:
    `feedback/service/` with `models.py` and `views.py`). A file name that is a
    layer word (`crud.py`, `deps.py`) moves a file out of its directory's
    layer, except a route word in another layer's directory
    (`services/payments/api.py`, `repositories/views.py`). Outside layer
    directories a file name's last word, then its first, decides
    (`user_service.py`, `crud_user.py`); inside one they never move it
    (`models/webhook_endpoint.py`).

    Then the text (evidence.py): where the path says nothing, route handlers,
    a module of only `Depends` providers, ORM tables or pydantic models decide;
    route handlers and a module of only providers also override a preset path
    that says otherwise (a `crud.py` full of `@router.get`). User patterns and
    test or migration directories are never overridden.
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
        self._listings: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._beneath: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        self._read: dict[str, LayerDecision] = {}  # decisions that read a file from disk, by path

    def layer_for(self, path: Path | str, source: bytes | None = None) -> LayerDecision:
        """The file's layer; its text is `source` when given (an editor's buffer), else read from disk."""
        absolute = os.path.abspath(path)
        if source is None and absolute in self._read:
            return self._read[absolute]
        rel = relative_posix(Path(absolute), self.root)
        depth = rel.count("/") + 1
        base = Path(absolute).parents[depth - 1] if depth <= len(Path(absolute).parents) else Path(absolute).anchor
        decision = self._decide_by_path(rel, Path(base))
        if decision.kind in (USER, NEUTRAL):
            return decision
        if source is None:
            try:
                text = read_regular(absolute)
            except OSError:
                text = b""
            decision = self._read[absolute] = self._by_content(decision, text)
            return decision
        return self._by_content(decision, source)

    def path_layer(self, path: Path | str) -> str:
        """The layer the path alone gives: enough to order work, never to report."""
        absolute = Path(os.path.abspath(path))
        return self.layer_for_relative(relative_posix(absolute, self.root)).layer

    def layer_for_relative(self, rel: str) -> LayerDecision:
        """The decision of the path alone, with directories read under the root."""
        return self._decide_by_path(rel, Path(os.path.abspath(self.root)))

    def _decide_by_path(self, rel: str, base: Path) -> LayerDecision:
        best: tuple[int, str, str] | None = None
        for layer, pattern, spec in self._user:
            if spec.match_file(rel) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), layer, pattern)
        if best is not None:
            return LayerDecision(best[1], best[2], USER)
        return self._preset(rel, base)

    def _by_content(self, decision: LayerDecision, source: bytes) -> LayerDecision:
        path_layer = decision.layer if decision.mapped else None
        if path_layer == ROUTE and decision.pattern.startswith(_ROUTE_FILE_NAME) and holds_other_code(source):
            pattern = f"content: no route code (overrides {decision.pattern})"
            return replace(decision, layer=UNMAPPED, pattern=pattern, kind=CONTENT, read=True)
        evidence = content_evidence(source, path_layer)
        if evidence is None or evidence.layer == path_layer:
            return replace(decision, read=True)
        if path_layer is None:
            return replace(
                decision, layer=evidence.layer, pattern=f"content: {evidence.reason}", kind=CONTENT, read=True
            )
        pattern = f"content: {evidence.reason} (overrides {decision.pattern})"
        return replace(decision, layer=evidence.layer, pattern=pattern, kind=CONTENT, read=True)

    def _preset(self, rel: str, base: Path) -> LayerDecision:
        parts = rel.split("/")
        stem = parts[-1].rsplit(".", 1)[0]
        neutral = next((part for part in parts[:-1] if part in NEUTRAL_DIRECTORIES), None)
        if neutral is not None:
            return LayerDecision(
                UNMAPPED,
                f"preset: {neutral}/ (not a layer)",
                NEUTRAL,
                test_or_script=neutral in TEST_AND_SCRIPT_DIRECTORIES,
            )
        if _is_test_file(stem):
            return LayerDecision(UNMAPPED, "preset: test file (not a layer)", NEUTRAL, test_or_script=True)
        directory, listed = self._layer_directory(parts[:-1], base)
        whole = self._file_words.get(stem)
        if whole is not None and not (whole == ROUTE and directory.mapped and directory.layer != ROUTE):
            return LayerDecision(whole, f"preset: file name '{stem}'", PRESET, listed)
        if directory.mapped:
            return replace(directory, listed=listed)
        words = stem.split("_")
        for word in (words[-1], words[0]):
            layer = self._file_words.get(word)
            if layer is not None:
                return LayerDecision(layer, f"preset: file name '{word}'", PRESET, listed)
        return replace(directory, listed=listed)

    def _layer_directory(self, parts: Sequence[str], base: Path) -> tuple[LayerDecision, tuple[str, ...]]:
        """The innermost layer directory that is neither a container nor a domain package, and the
        directories listed to tell."""
        listed: list[str] = []
        skipped: list[str] = []
        for i in range(len(parts) - 1, -1, -1):
            layer = self._dir_words.get(parts[i])
            if layer is None:
                continue
            directory = str(base.joinpath(*parts[: i + 1]))
            others, beneath = self._layers_beneath(directory)
            listed.extend(beneath)
            if (others & _STACK) - {layer}:
                skipped.append(f"{parts[i]}/ holds other layers")
                continue
            if len(self._file_layers(directory) - {layer}) >= 2:
                skipped.append(f"{parts[i]}/ is a domain package")
                continue
            return LayerDecision(layer, f"preset: {parts[i]}/", PRESET), tuple(listed)
        return LayerDecision(UNMAPPED, f"preset: {', '.join(skipped)}" if skipped else ""), tuple(listed)

    def _listing(self, directory: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(subdirectories, file stems that are layer words) of a directory, read once."""
        known = self._listings.get(directory)
        if known is None:
            subdirectories: list[str] = []
            stems: list[str] = []
            try:
                with os.scandir(directory) as entries:
                    for entry in entries:
                        if entry.is_dir():
                            subdirectories.append(entry.name)
                        elif entry.name.endswith((".py", ".pyi")) and entry.name.rsplit(".", 1)[0] in self._file_words:
                            stems.append(entry.name.rsplit(".", 1)[0])
            except OSError:
                pass
            known = self._listings[directory] = (tuple(sorted(subdirectories)), tuple(sorted(set(stems))))
        return known

    def listing_summary(self, directory: str) -> str:
        """What a decision read from a directory, as one string: a cache compares it on a later run."""
        subdirectories, stems = self._listing(directory)
        return ",".join(subdirectories) + "|" + ",".join(stems)

    def _file_layers(self, directory: str) -> set[str]:
        return {self._file_words[stem] for stem in self._listing(directory)[1]}

    def _layers_beneath(self, directory: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """The layers of the layer directories anywhere beneath a directory, and the directories listed."""
        known = self._beneath.get(directory)
        if known is None:
            layers: set[str] = set()
            listed = [directory]
            for name in self._listing(directory)[0]:
                if name.startswith(".") or name in _SKIPPED_DIRECTORIES or name in NEUTRAL_DIRECTORIES:
                    continue
                if name in self._dir_words:
                    layers.add(self._dir_words[name])
                inner, inner_listed = self._layers_beneath(os.path.join(directory, name))
                layers |= inner
                listed.extend(inner_listed)
            known = self._beneath[directory] = (frozenset(layers), tuple(listed))
        return known
