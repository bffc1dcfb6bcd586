"""Decide, before parsing, what a file needs: no libcst here.

A file is parsed only when a selected rule could fire in it: the rule applies
to the file's layer and its `Trigger` (catalog.py) holds. A file that needs no
parse is still checked for syntax (FAP001) by CPython's compiler, ten times
cheaper than libcst; a failure there is confirmed by libcst, which reads newer
syntax than the running Python.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fapcheck.catalog import BY_CODE, Trigger
from fapcheck.config import Config
from fapcheck.engine.suppress import Suppressions, read_suppressions
from fapcheck.evidence import is_route_decorator, statements
from fapcheck.findings import Edit, FileResult, Finding, Fix
from fapcheck.layers import compile_pattern, relative_posix
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.source import source_encoding, too_deep

ENGINE_CODES = frozenset({"FAP001", "FAP002"})  # reported by the engine, not by visitors
_IMPORT_WORD = re.compile(r"\bimport\b")

# Tests switch the pre-check off to prove it never changes findings.
PRECHECK = True


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with one file: `result` when it is decided without a parse."""

    layer: str
    codes: frozenset[str]
    rule_codes: tuple[str, ...] = ()
    text: str = ""
    encoding: str = "utf-8"
    result: FileResult | None = None


class Planner:
    """The libcst-free half of the checker: layer, enabled codes, pre-checks."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.layer_map = config.layer_map()
        self.index = ProjectIndex(config.root, self.layer_map, config.src)
        self.enabled = config.enabled_codes
        self._per_file = [(compile_pattern(p), codes) for p, codes in config.per_file_ignores]

    def codes_for(self, path: Path) -> frozenset[str]:
        """The enabled codes minus the per-file-ignores that match this path."""
        if not self._per_file:
            return self.enabled
        rel = relative_posix(path, self.config.root)
        ignored = [code for spec, codes in self._per_file if spec.match_file(rel) for code in codes]
        return frozenset(c for c in self.enabled if not any(c.startswith(i) for i in ignored))

    def plan(self, source: bytes, path: Path, display: str) -> Plan:
        layer = self.index.layer_of(path, source).layer  # by its path, and by this text where the path leaves room
        codes = self.codes_for(path)
        by_layer = sorted(c for c in codes if c not in ENGINE_CODES and layer in BY_CODE[c].layers)
        if not by_layer and "FAP001" not in codes and "FAP002" not in codes:
            return Plan(layer, codes, result=FileResult(display, layer))
        try:
            encoding = source_encoding(source)
            text = source.decode(encoding)
        except (SyntaxError, LookupError) as error:
            return Plan(layer, codes, result=failed(display, layer, f"cannot decode file: {error}", 1, 1, codes))
        except UnicodeDecodeError as error:
            line, col = decode_position(source, error)
            message = f"cannot decode file: invalid {error.encoding} byte 0x{source[error.start]:02x}"
            return Plan(layer, codes, result=failed(display, layer, message, line, col, codes))
        nul = text.find("\0")
        if nul >= 0:  # neither CPython nor libcst reads it; say where it is
            line = text.count("\n", 0, nul) + 1
            col = nul - text.rfind("\n", 0, nul)
            return Plan(layer, codes, result=failed(display, layer, "cannot parse file: NUL byte", line, col, codes))
        deep = too_deep(text, display)
        if deep is not None:  # libcst's native parser would overflow its stack (a crash, not an error)
            return Plan(layer, codes, result=failed(display, layer, f"cannot parse file: {deep}", 1, 1, codes))
        if not PRECHECK:
            return Plan(layer, codes, tuple(by_layer), text, encoding)
        must: list[str] = []
        pending: list[tuple[str, Trigger]] = []
        for code in by_layer:
            trigger = BY_CODE[code].trigger
            if trigger is None or layer in trigger.always_in or any(word in text for word in trigger.words):
                must.append(code)
            elif trigger.needs_tree:
                pending.append((code, trigger))
        if must:
            return Plan(layer, codes, (*must, *(code for code, _ in pending)), text, encoding)
        has_imports = _IMPORT_WORD.search(text) is not None
        has_decorators = "@" in text
        # Without an import statement no import condition holds, without an `@` no decorator one.
        pending = [
            (code, trigger)
            for code, trigger in pending
            if (has_imports and (trigger.imports or trigger.imports_layers))
            or (has_decorators and trigger.route_decorators)
        ]
        if not pending and "FAP001" not in codes:
            return Plan(layer, codes, (), text, encoding, self._unparsed(display, layer, text, codes))
        tree = _compile(text, display)
        if tree is None:  # CPython rejects it: libcst decides, and every pending rule runs
            return Plan(layer, codes, tuple(code for code, _ in pending), text, encoding)
        scan = _TreeScan(self.index, path, tree, pending)
        fire = tuple(code for code, trigger in pending if scan.meets(trigger, layer))
        if fire:
            return Plan(layer, codes, fire, text, encoding)
        return Plan(layer, codes, (), text, encoding, self._unparsed(display, layer, text, codes))

    def _unparsed(self, display: str, layer: str, text: str, codes: frozenset[str]) -> FileResult:
        """The result of a file no rule needs: only unused `noqa` comments can be reported."""
        if "FAP002" not in codes:
            return FileResult(display, layer)
        findings = tuple(unused_noqa(display, layer, read_suppressions(text), codes, split_lines(text)))
        return FileResult(display, layer, tuple(sorted(findings)))


def _compile(text: str, display: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
            tree = compile(text, display, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    assert isinstance(tree, ast.Module)
    return tree


class _TreeScan:
    """What the triggers ask of CPython's tree: imports (relative ones made absolute) and route decorators."""

    def __init__(
        self, index: ProjectIndex, path: Path, tree: ast.Module, pending: Sequence[tuple[str, Trigger]]
    ) -> None:
        self.index = index
        self.modules: list[tuple[str, str | None]] = []  # (module, imported name or None), as ImportedName
        self.route_decorators = False
        want_imports = any(t.imports or t.imports_layers for _, t in pending)
        want_routes = any(t.route_decorators for _, t in pending)
        package: list[str] | None = None
        for node in statements(tree.body):
            if want_imports and isinstance(node, ast.Import):
                self.modules.extend((alias.name, None) for alias in node.names)
            elif want_imports and isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    if package is None:
                        name, is_package = index.module_name_for(path)
                        package = name.split(".") if name else []
                        if not is_package:
                            package = package[:-1]
                    module = _absolute(package, node.level, module)
                if any(alias.name == "*" for alias in node.names):
                    self.modules.append((module, None))
                else:
                    self.modules.extend((module, alias.name) for alias in node.names)
            elif want_routes and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.route_decorators = self.route_decorators or any(map(is_route_decorator, node.decorator_list))
        if package is None and self.modules:
            index.module_name_for(path)  # sets the source root imports are resolved from

    def meets(self, trigger: Trigger, layer: str) -> bool:
        if trigger.route_decorators and self.route_decorators:
            return True
        layers = trigger.watched_layers(layer)
        for module, name in self.modules:
            if not module:
                continue
            if any(module == watched or module.startswith(watched + ".") for watched in trigger.imports):
                return True
            if layers:
                location = self.index.locate_import(module, name)
                if location is not None and location.layer.layer in layers:
                    return True
        return False


def _absolute(package: list[str], level: int, module: str) -> str:
    if level - 1 > len(package):
        return ""
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


# ------------------------------------------------------------------ shared with the runner


def failed(display: str, layer: str, message: str, line: int, col: int, codes: frozenset[str]) -> FileResult:
    if "FAP001" not in codes:
        return FileResult(display, layer)
    finding = Finding(display, max(line, 1), max(col, 1), "FAP001", message, max(line, 1), max(col, 1) + 1, layer)
    return FileResult(display, layer, (finding,))


def unused_noqa(
    display: str, layer: str, suppressions: Suppressions, codes: frozenset[str], lines: list[str]
) -> Iterable[Finding]:
    for comment in suppressions.by_line.values():
        if comment.codes is None:
            continue
        unused = [c for c in comment.codes if c in codes and c not in comment.used and c != "FAP002"]
        # A code no rule has silences nothing either (a typo: `FAP999`), as ruff reports it.
        unknown = [c for c in comment.codes if c.startswith("FAP") and c not in BY_CODE]
        if (unused or unknown) and not suppressions.suppresses("FAP002", comment.line):
            text_line = source_line(lines, comment.line)
            kinds = [
                f"{label}: {', '.join(found)}" for label, found in (("unused", unused), ("unknown", unknown)) if found
            ]
            yield Finding(
                display,
                comment.line,
                comment.col,
                "FAP002",
                f"Unused `noqa` directive ({'; '.join(kinds)})",
                comment.line,
                comment.end_col,
                layer,
                text_line,
                _noqa_fix(comment.line, comment.col, comment.end_col, comment.codes, [*unused, *unknown], text_line),
            )


def _noqa_fix(line: int, col: int, end_col: int, codes: tuple[str, ...], unused: list[str], source_line: str) -> Fix:
    kept = [c for c in codes if c not in unused]
    if kept:
        return Fix("Remove the unused codes", (Edit(line, col, line, end_col, f"# noqa: {', '.join(kept)}"),))
    rest = source_line[end_col - 1 :]
    if rest.strip() and not rest.lstrip().startswith("#"):
        return Fix("Remove the unused `noqa`", (Edit(line, col, line, end_col, "#"),))
    start = len(source_line[: col - 1].rstrip()) + 1
    return Fix("Remove the unused `noqa`", (Edit(line, start, line, end_col, ""),))


def source_line(lines: list[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str, keepends: bool = False) -> list[str]:
    """The lines as Python counts them, ended by `\\n`, `\\r\\n` or `\\r` only: `str.splitlines` also ends
    a line at a form feed, `\\x0b`, `\\x1c`-`\\x1e`, `\\x85` and `\\u2028`, which Python reads as part of it."""
    lines: list[str] = _LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


_LINE_END = re.compile(rb"\r\n|\r|\n")


def decode_position(source: bytes, error: UnicodeDecodeError) -> tuple[int, int]:
    before = source[: error.start]
    line = len(_LINE_END.findall(before)) + 1
    last_break = max(before.rfind(b"\n"), before.rfind(b"\r"))
    return line, error.start - last_break
