"""Configuration files (`[tool.fapcheck]` of pyproject.toml, fapcheck.toml) -> a frozen Config. No libcst here.

Every problem in a configuration is collected and reported at once, one line
each, naming the file and the key.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fapcheck.catalog import BY_CODE, LAYERS
from fapcheck.layers import LayerMap, compile_pattern

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git/",
    ".hg/",
    ".svn/",
    ".venv/",
    "venv/",
    ".direnv/",
    "build/",
    "_build/",
    "buck-out/",
    "dist/",
    "node_modules/",
    "__pycache__/",
    ".tox/",
    ".nox/",
    ".mypy_cache/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".fapcheck_cache/",
    ".eggs/",
    "*.egg-info/",
    "site-packages/",
    "__pypackages__/",
)


class ConfigError(Exception):
    """One or more problems with the configuration or the command line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class Config:
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None
    select: tuple[str, ...] = ("FAP",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    layers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extend_layers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extend_calls: tuple[str, ...] = ()
    allow_calls: tuple[str, ...] = ()
    check_tests_and_scripts: bool = False  # FAP4 in tests and scripts too, not only in their route handlers
    allow_own_session: tuple[str, ...] = ()
    # Source roots, relative to `root` (ruff's `src`): where imports of project modules start. Empty: the
    # project root and its `src/`, when there is one.
    src: tuple[str, ...] = ()

    def is_enabled(self, code: str) -> bool:
        """The most specific selector decides; on a tie, ignore wins (as in ruff).

        A rule that is off by default is selected by its own code or `ALL` only, not by a prefix.
        """
        selectors = (*self.select, *self.extend_select)
        if not BY_CODE[code].default:
            selectors = tuple(s for s in selectors if s in (code, "ALL"))
        best_select = max((_specificity(s) for s in selectors if _covers(s, code)), default=-1)
        best_ignore = max((_specificity(s) for s in self.ignore if _covers(s, code)), default=-1)
        return best_select >= 0 and best_select > best_ignore

    @property
    def enabled_codes(self) -> frozenset[str]:
        return frozenset(code for code in BY_CODE if self.is_enabled(code))

    def layer_map(self) -> LayerMap:
        return LayerMap(self.root, dict(self.layers), dict(self.extend_layers))

    def with_overrides(
        self,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> Config:
        """Apply command-line selections: `--select` replaces the configured selection."""
        problems = [
            p
            for option, codes in (("--select", select or ()), ("--extend-select", extend_select), ("--ignore", ignore))
            for p in _check_selectors(option, codes)
        ]
        if problems:
            raise ConfigError(problems)
        if select is not None:
            return replace(self, select=tuple(select), extend_select=tuple(extend_select), ignore=tuple(ignore))
        return replace(self, extend_select=(*self.extend_select, *extend_select), ignore=(*self.ignore, *ignore))


def _covers(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def is_known_selector(selector: str) -> bool:
    return selector == "ALL" or (any(code.startswith(selector) for code in BY_CODE) and selector.startswith("FAP"))


def _check_selectors(where: str, selectors: Iterable[str]) -> list[str]:
    problems = []
    for selector in selectors:
        if not is_known_selector(selector):
            hint = did_you_mean(selector, BY_CODE)
            problems.append(f"{where}: unknown rule code or prefix '{selector}'{hint}")
    return problems


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ---------------------------------------------------------------- loading


# In one directory, as in ruff: `.fapcheck.toml` before `fapcheck.toml` before `pyproject.toml`.
CONFIG_FILE_NAMES = (".fapcheck.toml", "fapcheck.toml", "pyproject.toml")
# Without a configuration, a file's project root is the nearest directory above it holding one of these.
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


# The fapcheck settings of a configuration file and the table they sit in ("" for the top level).
Settings = tuple[Any, str]


def settings_in(path: Path) -> Settings | None:
    """`[tool.fapcheck]` of a pyproject.toml (None without one), the top level of any other file."""
    data = read_toml(path)
    tool = data.get("tool")
    if isinstance(tool, dict) and "fapcheck" in tool:
        return tool["fapcheck"], "tool.fapcheck"
    if path.name == "pyproject.toml":
        return None
    return data, ""


def find_config(start: Path) -> tuple[Path, Settings] | None:
    """The closest configuration file with fapcheck settings, from `start` upwards, and its settings."""
    for directory in (start, *start.parents):
        found = _config_in(directory)
        if found is not None:
            return found
    return None


def _config_in(directory: Path, listing: Collection[str] | None = None) -> tuple[Path, Settings] | None:
    for name in CONFIG_FILE_NAMES:
        candidate = directory / name
        if _holds(directory, name, listing, os.path.isfile):
            settings = settings_in(candidate)
            if settings is not None:
                return candidate, settings
    return None


def _holds(directory: Path, name: str, listing: Collection[str] | None, test: Callable[[str], bool]) -> bool:
    """`test` of the entry `name` of `directory`; an entry its listing lacks is not there."""
    return (listing is None or name in listing) and test(os.path.join(directory, name))


def read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):  # imported only where a configuration file is read
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    from fapcheck.reading import read_regular

    try:
        data: dict[str, Any] = tomllib.loads(read_regular(path).decode("utf-8"))
        return data
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{path}: not valid TOML: {error}"]) from None
    except UnicodeDecodeError as error:
        raise ConfigError([f"{path}: not valid TOML: not UTF-8 (byte {error.start})"]) from None
    except RecursionError:
        raise ConfigError([f"{path}: not valid TOML: nested too deeply"]) from None
    except OSError as error:
        raise ConfigError([f"{path}: cannot read: {error.strerror or error}"]) from None


def load_config_file(path: Path) -> Config:
    """`--config FILE`: a file that holds no fapcheck settings is an error, not silence."""
    if not path.is_file():
        raise ConfigError([f"{path}: configuration file not found"])
    settings = settings_in(path)
    if settings is None or settings[0] == {}:
        raise ConfigError([f"{path}: holds no fapcheck settings (a [tool.fapcheck] table, or its keys at top level)"])
    return parse_table(*settings, path=path)


class ConfigResolver:
    """The configuration of each file: the closest configuration file above it, as ruff does.

    Its project root is that file's directory or, without one, the nearest directory above it
    with a `pyproject.toml`, `setup.py`, `setup.cfg` or `.git` (else `fallback_root`, by default the
    current directory). `config_file` applies one configuration to everything; `isolated` ignores
    every configuration file but still finds project roots. Command-line selections apply to all.
    """

    def __init__(
        self,
        config_file: Path | None = None,
        isolated: bool = False,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        fallback_root: Path | None = None,
    ) -> None:
        self._overrides = (select, tuple(extend_select), tuple(ignore))
        Config().with_overrides(*self._overrides)  # a bad code on the command line fails before any file
        self._isolated = isolated
        self._fallback = Path(os.path.abspath(fallback_root or Path.cwd()))
        self._fixed = self._finish(load_config_file(config_file)) if config_file is not None else None
        self._by_directory: dict[Path, tuple[Config, bool]] = {}  # -> (config, found a file or a marker)
        self._by_source: dict[Path, Config] = {}

    def for_file(self, path: Path) -> Config:
        return self.for_directory(Path(os.path.abspath(path)).parent)

    def for_directory(self, directory: Path, listing: Collection[str] | None = None) -> Config:
        """The configuration of the files in `directory`; `listing`, the names it holds when the caller
        has listed it, spares asking the disk about each configuration file and root marker."""
        if self._fixed is not None:
            return self._fixed
        return self._resolve(Path(os.path.abspath(directory)), listing)[0]

    def _resolve(self, directory: Path, listing: Collection[str] | None = None) -> tuple[Config, bool]:
        known = self._by_directory.get(directory)
        if known is not None:
            return known
        found = None if self._isolated else _config_in(directory, listing)
        if found is not None:
            path, settings = found
            config = self._by_source.get(path)
            if config is None:
                config = self._by_source[path] = self._finish(parse_table(*settings, path=path))
            resolved = (config, True)
        else:
            parent = self._resolve(directory.parent) if directory.parent != directory else None
            if parent is not None and parent[0].source is not None:
                resolved = parent  # under a configuration file: its root and settings
            elif any(_holds(directory, marker, listing, os.path.lexists) for marker in ROOT_MARKERS):
                resolved = (self._finish(Config(root=directory)), True)
            elif parent is not None and parent[1]:
                resolved = parent
            else:
                resolved = (self._finish(Config(root=self._fallback)), False)
        self._by_directory[directory] = resolved
        return resolved

    def _finish(self, config: Config) -> Config:
        return config.with_overrides(*self._overrides)


def load_config(config_file: Path | None = None, isolated: bool = False, cwd: Path | None = None) -> Config:
    """The configuration that governs the directory `cwd` (default: the current directory)."""
    cwd = cwd or Path.cwd()
    return ConfigResolver(config_file, isolated, fallback_root=cwd).for_directory(cwd)


Checker = Callable[[Any], bool]


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_table_of_str_lists(value: Any) -> bool:
    return isinstance(value, dict) and all(_is_str_list(item) for item in value.values())


_TOP: Mapping[str, tuple[Checker, str]] = {
    "select": (_is_str_list, "a list of rule codes or prefixes"),
    "extend-select": (_is_str_list, "a list of rule codes or prefixes"),
    "ignore": (_is_str_list, "a list of rule codes or prefixes"),
    "extend-exclude": (_is_str_list, "a list of gitignore-style patterns"),
    "respect-gitignore": (_is_bool, "true or false"),
    "src": (_is_str_list, "a list of directories"),
    "per-file-ignores": (_is_table_of_str_lists, "a table of pattern = [codes]"),
    "layers": (lambda v: isinstance(v, dict), "a table"),
    "blocking": (lambda v: isinstance(v, dict), "a table"),
    "depends": (lambda v: isinstance(v, dict), "a table"),
}
_LAYER_KEYS: Mapping[str, tuple[Checker, str]] = {
    key: (_is_str_list, "a list of gitignore-style patterns") for layer in LAYERS for key in (layer, f"extend-{layer}")
}
_BLOCKING: Mapping[str, tuple[Checker, str]] = {
    "extend-calls": (_is_str_list, "a list of qualified names"),
    "allow-calls": (_is_str_list, "a list of qualified names"),
    "check-tests-and-scripts": (_is_bool, "true or false"),
}
_DEPENDS: Mapping[str, tuple[Checker, str]] = {
    "allow-own-session": (_is_str_list, "a list of paths or function-name globs"),
}


def _check_table(table: Mapping[str, Any], schema: Mapping[str, tuple[Checker, str]], where: str) -> list[str]:
    problems = []
    for key, value in table.items():
        if key not in schema:
            problems.append(f"{where}: unknown key '{key}'{did_you_mean(key, schema)}")
            continue
        check, expected = schema[key]
        if not check(value):
            problems.append(f"{where}: '{key}' must be {expected}, got {type(value).__name__}")
    return problems


def _check_patterns(where: str, key: str, patterns: Iterable[str]) -> list[str]:
    problems = []
    for pattern in patterns:
        try:
            compile_pattern(pattern)
        except ValueError as error:
            reason = f" ({error}: matching it could take minutes)" if str(error).startswith("more than") else ""
            problems.append(f"{where}: '{key}' has an invalid pattern '{pattern}'{reason}")
    return problems


def parse_table(table: Any, section: str = "tool.fapcheck", *, path: Path) -> Config:
    """Validate fapcheck settings (the `section` table of `path`) and build the Config; raise ConfigError
    with every problem."""

    def where_in(sub: str) -> str:
        name = ".".join(filter(None, (section, sub)))
        return f"{path}: [{name}]" if name else str(path)

    where = where_in("")
    if not isinstance(table, dict):
        raise ConfigError([f"{where} must be a table"])
    problems = _check_table(table, _TOP, where)
    layers = table.get("layers", {}) if isinstance(table.get("layers"), dict) else {}
    blocking = table.get("blocking", {}) if isinstance(table.get("blocking"), dict) else {}
    depends = table.get("depends", {}) if isinstance(table.get("depends"), dict) else {}
    problems += _check_table(layers, _LAYER_KEYS, where_in("layers"))
    problems += _check_table(blocking, _BLOCKING, where_in("blocking"))
    problems += _check_table(depends, _DEPENDS, where_in("depends"))
    if problems:
        raise ConfigError(problems)

    for key in ("select", "extend-select", "ignore"):
        problems += _check_selectors(f"{where} '{key}'", table.get(key, ()))
    per_file = table.get("per-file-ignores", {})
    for pattern, codes in per_file.items():
        problems += _check_patterns(where, "per-file-ignores", [pattern])
        problems += _check_selectors(f"{where} 'per-file-ignores' \"{pattern}\"", codes)
    problems += _check_patterns(where, "extend-exclude", table.get("extend-exclude", ()))
    for key, patterns in layers.items():
        problems += _check_patterns(where_in("layers"), key, patterns)
    if problems:
        raise ConfigError(problems)

    return Config(
        root=path.parent,
        source=path,
        select=tuple(table.get("select", ("FAP",))),
        extend_select=tuple(table.get("extend-select", ())),
        ignore=tuple(table.get("ignore", ())),
        extend_exclude=tuple(table.get("extend-exclude", ())),
        respect_gitignore=table.get("respect-gitignore", True),
        per_file_ignores=tuple((pattern, tuple(codes)) for pattern, codes in per_file.items()),
        layers=tuple((key, tuple(v)) for key, v in layers.items() if not key.startswith("extend-")),
        extend_layers=tuple(
            (key[len("extend-") :], tuple(v)) for key, v in layers.items() if key.startswith("extend-")
        ),
        extend_calls=tuple(blocking.get("extend-calls", ())),
        allow_calls=tuple(blocking.get("allow-calls", ())),
        check_tests_and_scripts=blocking.get("check-tests-and-scripts", False),
        allow_own_session=tuple(depends.get("allow-own-session", ())),
        src=tuple(table.get("src", ())),
    )
