"""Find the files to check: walk directories, honour excludes and .gitignore files.

Directories are listed with `os.scandir`, whose entries tell files from directories without a `stat` each.
The default excludes are directory names, matched as names; pathspec is imported and matched only where a
`.gitignore` or `extend-exclude` applies, and a path that no pattern of an ignore file could match is told
so by one regular expression, not pattern by pattern.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fapcheck.config import CONFIG_FILE_NAMES, DEFAULT_EXCLUDE, ROOT_MARKERS, Config, ConfigResolver
from fapcheck.reading import read_regular

if TYPE_CHECKING:
    import pathspec

PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"
NOTEBOOKS_REFUSED = "Jupyter notebooks are not checked: fapcheck reads Python files (.py, .pyi) only"
_DECIDING_NAMES = frozenset((*CONFIG_FILE_NAMES, *ROOT_MARKERS))


@dataclass(slots=True)
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    configs: dict[Path, Config] = field(default_factory=dict)  # the configuration of each file
    notebooks: list[Path] = field(default_factory=list)  # found in directories, skipped

    def projects(self) -> list[tuple[Config, list[Path]]]:
        """The files grouped by configuration (hence by project root), in order of first file."""
        groups: dict[Config, list[Path]] = {}
        for path in self.files:
            groups.setdefault(self.configs[path], []).append(path)
        return list(groups.items())


def _is_name_pattern(pattern: str) -> bool:
    """A directory name (`build/`, `*.egg-info/`): it matches a directory of that name at any depth."""
    return pattern.endswith("/") and "/" not in pattern[:-1] and not pattern.startswith(("!", "#", "\\"))


_DEFAULT_NAMES = frozenset(p[:-1] for p in DEFAULT_EXCLUDE if _is_name_pattern(p) and not any(c in p for c in "*?["))
_DEFAULT_GLOBS = tuple(p[:-1] for p in DEFAULT_EXCLUDE if _is_name_pattern(p) and any(c in p for c in "*?["))
_DEFAULT_OTHERS = tuple(p for p in DEFAULT_EXCLUDE if not _is_name_pattern(p))


# The glob names as one expression: fnmatchcase's own translation of each, tried at once.
_DEFAULT_GLOB = re.compile("|".join(map(fnmatch.translate, _DEFAULT_GLOBS))).match if _DEFAULT_GLOBS else None


def _excluded_name(name: str) -> bool:
    """A directory the default excludes skip, wherever it is."""
    return name in _DEFAULT_NAMES or (_DEFAULT_GLOB is not None and _DEFAULT_GLOB(name) is not None)


class _IgnoreFile:
    """One `.gitignore` (or the `extend-exclude` list): pathspec's gitignore rules, behind one regular
    expression of all its patterns that tells most paths at once that none of them applies. pathspec compiles
    its patterns one by one only when that expression matches a path (a `.gitignore` of two hundred lines
    takes longer to compile than a warm run spends on the files)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        self.any = _any_pattern(self.lines)  # raises as pathspec does for a pattern it refuses
        self._spec = None if self.any is not None else _spec(self.lines)

    def match(self, path: str) -> bool:
        if self.any is not None and self.any(path) is None:
            return False  # no pattern matches, so none includes or excludes it
        if self._spec is None:
            self._spec = _spec(self.lines)
        return self._spec.match_file(path)


def _spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _any_pattern(lines: Sequence[str]) -> Callable[[str], re.Match[str] | None] | None:
    """A search that finds a match where any pattern of the lines does; None when it cannot say."""
    to_regex = getattr(_pattern_class(), "pattern_to_regex", None)
    if to_regex is None:
        return None
    anywhere, others = [], []
    for line in lines:
        if not line:
            continue
        text, include = to_regex(line)  # what pathspec compiles for the line
        if include is None:
            continue  # a comment or a blank line
        if not isinstance(text, str) or "(?P=" in text:
            return None
        text = _NAMED_GROUP.sub("(?:", text)
        if text.startswith(_AT_ANY_DEPTH):  # most patterns: a name at any depth, tried once for them all
            anywhere.append(text[len(_AT_ANY_DEPTH) :])
        else:
            others.append(text)
    if anywhere:
        others.append(_AT_ANY_DEPTH + "(?:" + "|".join(anywhere) + ")")
    try:
        combined = re.compile("|".join(f"(?:{part})" for part in others) or "(?!)")
    except re.error:
        return None
    # Anchored patterns (pathspec writes them so) match at the start or nowhere: not tried at every position.
    return combined.match if all(part.startswith("^") for part in others) else combined.search


@functools.cache
def _pattern_class() -> type:
    """The pattern class of pathspec's gitignore rules (it differs between pathspec versions)."""
    return type(_spec(["x"]).patterns[0])


_AT_ANY_DEPTH = "^(?:.+/)?"


class _Ignores:
    """Default excludes, extend-exclude (relative to the project root) and nested .gitignore files."""

    def __init__(self, config: Config) -> None:
        self.root = os.path.abspath(config.root)
        self.others = _IgnoreFile(_DEFAULT_OTHERS) if _DEFAULT_OTHERS else None
        self.extend = _IgnoreFile(config.extend_exclude) if config.extend_exclude else None
        self.respect_gitignore = config.respect_gitignore
        self.gitignores: dict[str, _IgnoreFile | None] = {}
        self.repositories: dict[str, bool] = {}  # directory -> holds a .git (asked once per directory)
        self.chains: dict[str, list[tuple[str, _IgnoreFile]]] = {}

    def listed(self, directory: str, names: set[str]) -> None:
        """What a directory's listing already says: whether it holds a .gitignore, and a .git."""
        if ".gitignore" not in names:
            self.gitignores.setdefault(directory, None)
        self.repositories.setdefault(directory, ".git" in names)

    def _gitignore(self, directory: str) -> _IgnoreFile | None:
        if directory not in self.gitignores:
            spec = None
            candidate = os.path.join(directory, ".gitignore")
            try:  # never a FIFO or a device: reading one would block or never end
                spec = _IgnoreFile(read_regular(candidate).decode("utf-8", errors="replace").splitlines())
            except (OSError, ValueError, TypeError):
                spec = None  # no file, or patterns git itself would reject
            except Exception:  # pathspec's own pattern errors
                spec = None
            self.gitignores[directory] = spec
        return self.gitignores[directory]

    def _is_repository(self, directory: str) -> bool:
        known = self.repositories.get(directory)
        if known is None:
            known = self.repositories[directory] = os.path.exists(os.path.join(directory, ".git"))
        return known

    def in_directory(self, directory: str) -> Callable[[str, bool], bool]:
        """Whether an entry of `directory` (absolute), given its name and whether it is a directory, is
        excluded. What depends on the directory alone (its path below the root and below each .gitignore
        that applies, whether it lies inside a directory the defaults exclude) is worked out here, once."""
        checks: list[tuple[str, _IgnoreFile]] = []
        inside_excluded = False
        rel = _relative(directory, self.root)
        if rel is not None:
            # Inside a directory the defaults exclude: a walk that started below it.
            inside_excluded = bool(rel) and any(_excluded_name(part) for part in rel.split("/"))
            prefix = f"{rel}/" if rel else ""
            checks += [(prefix, spec) for spec in (self.extend, self.others) if spec is not None]
        if self.respect_gitignore:
            for base, spec in self._gitignores_above(directory):
                inner = _relative(directory, base)
                checks.append((f"{inner}/" if inner else "", spec))

        def ignored(name: str, is_dir: bool) -> bool:
            if inside_excluded or (is_dir and _excluded_name(name)):
                return True
            path = f"{name}/" if is_dir else name
            return any(spec.match(prefix + path) for prefix, spec in checks)

        return ignored

    def _gitignores_above(self, directory: str) -> list[tuple[str, _IgnoreFile]]:
        """The .gitignore files that apply in a directory, up to the root or the repository; once per directory."""
        known = self.chains.get(directory)
        if known is None:
            spec = self._gitignore(directory)
            known = [(directory, spec)] if spec is not None else []
            parent = os.path.dirname(directory)
            if not (directory == self.root or self._is_repository(directory) or parent == directory):
                known = known + self._gitignores_above(parent)
            self.chains[directory] = known
        return known


def _relative(path: str, root: str) -> str | None:
    """`path` below `root` (both absolute) as a posix path, "" for the root itself, None outside it."""
    if path == root:
        return ""
    prefix = root if root.endswith(os.sep) else root + os.sep
    if not path.startswith(prefix):
        return None
    rel = path[len(prefix) :]
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


class _Settings:
    """The configuration, and the ignores built from it, of each directory walked."""

    def __init__(self, configs: Config | ConfigResolver) -> None:
        self.resolver = configs if isinstance(configs, ConfigResolver) else None
        self.fixed = configs if isinstance(configs, Config) else None
        self.ignores: dict[Config, _Ignores] = {}

    def config(self, directory: Path, listing: Collection[str] | None = None) -> Config:
        if self.resolver is not None:
            return self.resolver.for_directory(directory, listing)
        assert self.fixed is not None
        return self.fixed

    def ignores_in(self, config: Config) -> _Ignores:
        known = self.ignores.get(config)
        if known is None:
            known = self.ignores[config] = _Ignores(config)
        return known


def discover(paths: Sequence[str], configs: Config | ConfigResolver) -> Discovery:
    """Files to check, sorted, each with its configuration (one for all, or the closest above each file,
    whose excludes then apply below it); explicitly named files are always included."""
    settings = _Settings(configs)
    result = Discovery()
    found: dict[str, Config] = {}  # by absolute path; Path objects are made once, for the result
    for given in paths:
        path = Path(given)
        absolute = Path(os.path.abspath(path))
        if absolute.is_dir():
            _walk(str(absolute), settings, found, result.notebooks)
        elif absolute.name.endswith(NOTEBOOK_SUFFIX):
            result.errors.append(f"{given}: {NOTEBOOKS_REFUSED}")
        elif absolute.exists() and not absolute.is_file():
            result.errors.append(f"{given}: not a regular file")
        elif absolute.exists() or absolute.is_symlink():
            found[str(absolute)] = settings.config(absolute.parent)
        else:
            result.errors.append(f"{given}: No such file or directory")
    result.files = _sorted_paths(found)
    result.configs = {path: found[str(path)] for path in result.files}
    return result


def _sorted_paths(paths: Collection[str]) -> list[Path]:
    """The paths as `sorted` orders Path objects: by their parts, not as strings ("a/b" before "a-b/c")."""
    if os.sep != "/" or os.altsep is not None:
        return sorted(Path(path) for path in paths)  # parts compared case-insensitively on Windows
    # Every path is absolute and normal (made by abspath, or joined to such a directory), so its parts
    # are its components between slashes.
    return [Path(path) for path in sorted(paths, key=_components)]


def _components(path: str) -> list[str]:
    return path.split("/")


def _walk(top: str, settings: _Settings, found: dict[str, Config], notebooks: list[Path]) -> None:
    """As `os.walk(top)` would, top-down without following links to directories: regular files and links
    (a broken one is reported when read); never FIFOs, sockets or devices, which would block or mean nothing."""
    pending: list[tuple[str, Config | None]] = [(top, None)]
    while pending:
        directory, above = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError:
            continue
        names = {entry.name for entry in entries}
        # A directory without a configuration file or a root marker has the configuration of its parent.
        config = above if above is not None and names.isdisjoint(_DECIDING_NAMES) else None
        config = config or settings.config(Path(directory), names)
        ignores = settings.ignores_in(config)
        ignores.listed(directory, names)
        ignored = ignores.in_directory(directory)
        subdirectories = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink() and not ignored(name, True):
                    subdirectories.append(entry.path)
            elif name.endswith(PYTHON_SUFFIXES) and _readable_kind(entry) and not ignored(name, False):
                found[entry.path] = config
            elif name.endswith(NOTEBOOK_SUFFIX) and not ignored(name, False):
                notebooks.append(Path(entry.path))
        pending.extend((subdirectory, config) for subdirectory in sorted(subdirectories, reverse=True))


def _readable_kind(entry: os.DirEntry[str]) -> bool:
    """A regular file, or a link to one; a broken link too (reading it reports it). Never a FIFO or a
    device, nor a link to one: reading those would block or never end."""
    try:
        if not entry.is_symlink():
            return entry.is_file(follow_symlinks=False)
        return stat.S_ISREG(os.stat(entry.path).st_mode)
    except OSError:
        return True


def display_path(path: Path) -> str:
    """Paths are shown relative to the current directory when they lie below it."""
    text, cwd = os.fspath(path), os.getcwd()
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    if os.path.isabs(text) and text.startswith(prefix) and os.path.normpath(text) == text:
        rel = text[len(prefix) :]  # as `relative_to(cwd)`, without building both paths
        # A normal path below the directory is its own posix form on posix: no Path to build.
        return rel if os.sep == "/" and rel else Path(rel).as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
