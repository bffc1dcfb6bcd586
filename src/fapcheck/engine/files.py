"""Find the files to check: walk directories, honour excludes and .gitignore files."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from fapcheck.config import DEFAULT_EXCLUDE, Config, ConfigResolver

PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"
NOTEBOOKS_REFUSED = "Jupyter notebooks are not checked: fapcheck reads Python files (.py, .pyi) only"


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


class _Ignores:
    """Default excludes, extend-exclude (relative to the project root) and nested .gitignore files."""

    def __init__(self, config: Config) -> None:
        self.root = Path(os.path.abspath(config.root))
        self.defaults = pathspec.GitIgnoreSpec.from_lines(DEFAULT_EXCLUDE)
        # A file's own name can only match the default patterns that are not directory-only.
        names = [pattern for pattern in DEFAULT_EXCLUDE if not pattern.endswith("/")]
        self.file_defaults = pathspec.GitIgnoreSpec.from_lines(names) if names else None
        self.extend = pathspec.GitIgnoreSpec.from_lines(config.extend_exclude) if config.extend_exclude else None
        self.respect_gitignore = config.respect_gitignore
        self.gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self.repositories: dict[Path, bool] = {}  # directory -> holds a .git (asked once per directory)
        self.chains: dict[Path, list[tuple[Path, pathspec.GitIgnoreSpec]]] = {}

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self.gitignores:
            spec = None
            candidate = directory / ".gitignore"
            try:
                with open(candidate, encoding="utf-8", errors="replace") as handle:
                    spec = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
            except (OSError, ValueError, TypeError):
                spec = None  # no file, or patterns git itself would reject
            except Exception:  # pathspec's own pattern errors
                spec = None
            self.gitignores[directory] = spec
        return self.gitignores[directory]

    def _is_repository(self, directory: Path) -> bool:
        known = self.repositories.get(directory)
        if known is None:
            known = self.repositories[directory] = (directory / ".git").exists()
        return known

    def ignored(self, path: Path, is_dir: bool) -> bool:
        names = self.defaults if is_dir else self.file_defaults
        if names is not None and names.match_file(path.name + ("/" if is_dir else "")):
            return True
        rel = _relative(path, self.root)
        if rel is not None:
            suffix = "/" if is_dir else ""
            if self.extend is not None and self.extend.match_file(rel + suffix):
                return True
            if self.defaults.match_file(rel + suffix):
                return True
        if not self.respect_gitignore:
            return False
        for directory, spec in self._gitignores_above(path.parent):
            inner = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            if spec.match_file(inner):
                return True
        return False

    def _gitignores_above(self, directory: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
        """The .gitignore files that apply in a directory, up to the root or the repository; once per directory."""
        known = self.chains.get(directory)
        if known is None:
            spec = self._gitignore(directory)
            known = [(directory, spec)] if spec is not None else []
            if not (directory == self.root or self._is_repository(directory) or directory.parent == directory):
                known = known + self._gitignores_above(directory.parent)
            self.chains[directory] = known
        return known


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


class _Settings:
    """The configuration, and the ignores built from it, of each directory walked."""

    def __init__(self, configs: Config | ConfigResolver) -> None:
        self.resolver = configs if isinstance(configs, ConfigResolver) else None
        self.fixed = configs if isinstance(configs, Config) else None
        self.ignores: dict[Config, _Ignores] = {}

    def config(self, directory: Path) -> Config:
        if self.resolver is not None:
            return self.resolver.for_directory(directory)
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
    for given in paths:
        path = Path(given)
        absolute = Path(os.path.abspath(path))
        if absolute.is_dir():
            _walk(absolute, settings, result)
        elif absolute.name.endswith(NOTEBOOK_SUFFIX):
            result.errors.append(f"{given}: {NOTEBOOKS_REFUSED}")
        elif absolute.exists() and not absolute.is_file():
            result.errors.append(f"{given}: not a regular file")
        elif absolute.exists() or absolute.is_symlink():
            result.configs[absolute] = settings.config(absolute.parent)
        else:
            result.errors.append(f"{given}: No such file or directory")
    result.files = sorted(result.configs)
    return result


def _walk(top: Path, settings: _Settings, found: Discovery) -> None:
    for directory, dirnames, filenames in os.walk(top, followlinks=False):
        base = Path(directory)
        config = settings.config(base)
        ignores = settings.ignores_in(config)
        dirnames[:] = sorted(d for d in dirnames if not ignores.ignored(base / d, is_dir=True))
        for name in filenames:
            if name.endswith(PYTHON_SUFFIXES):
                candidate = base / name
                if _readable_kind(candidate) and not ignores.ignored(candidate, is_dir=False):
                    found.configs[candidate] = config
            elif name.endswith(NOTEBOOK_SUFFIX) and not ignores.ignored(base / name, is_dir=False):
                found.notebooks.append(base / name)


def _readable_kind(path: Path) -> bool:
    """Regular files and links (a broken one is reported when read); never FIFOs, sockets or devices,
    which would block or mean nothing."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return True
    return stat.S_ISREG(mode) or stat.S_ISLNK(mode)


def display_path(path: Path) -> str:
    """Paths are shown relative to the current directory when they lie below it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
