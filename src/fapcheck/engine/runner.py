"""Check one file: read, parse once, run every applicable rule in one traversal."""

from __future__ import annotations

import ast
import re
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from fapcheck.catalog import BY_CODE
from fapcheck.config import Config
from fapcheck.engine.context import FileContext
from fapcheck.engine.fixes import build_fix
from fapcheck.engine.index import ProjectIndex
from fapcheck.engine.suppress import Suppressions, read_suppressions
from fapcheck.findings import Edit, FileResult, Finding, Fix
from fapcheck.layers import compile_pattern, relative_posix
from fapcheck.rules import rule_class
from fapcheck.rules.base import Report, Rule

if TYPE_CHECKING:
    from fapcheck.rules._function_facts import FunctionFacts

ENGINE_CODES = frozenset({"FAP001", "FAP002"})  # reported by the engine, not by visitors
VisitorMethod = Callable[[cst.CSTNode], object]


class _Dispatcher(cst.CSTVisitor):
    """One traversal: the context tracker steps in before the rules and out after them."""

    def __init__(self, ctx: FileContext, rules: Sequence[Rule]) -> None:
        super().__init__()
        self.ctx = ctx
        self.visits: dict[str, list[VisitorMethod]] = {}
        self.leaves: dict[str, list[VisitorMethod]] = {}
        for rule in rules:
            for name in _visitor_names(type(rule)):
                table = self.visits if name.startswith("visit_") else self.leaves
                table.setdefault(name[6:], []).append(getattr(rule, name))

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.ctx.enter(node)
        for method in self.visits.get(type(node).__name__, ()):
            method(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        for method in self.leaves.get(type(original_node).__name__, ()):
            method(original_node)
        self.ctx.leave(original_node)

    # Attribute-level hooks are unused; skipping them saves a getattr per child.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


@cache
def _visitor_names(cls: type[Rule]) -> tuple[str, ...]:
    names = {
        name
        for klass in cls.__mro__
        if klass not in (Rule, cst.BatchableCSTVisitor, cst.CSTVisitor, object)
        for name in vars(klass)
        if name.startswith(("visit_", "leave_")) and callable(getattr(cls, name))
    }
    return tuple(sorted(names))


@dataclass(frozen=True, slots=True)
class _FileIgnore:
    pattern: str
    codes: tuple[str, ...]


class Checker:
    """Holds what every file of a run shares: configuration, layer map, project index."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.layer_map = config.layer_map()
        self.index = ProjectIndex(config.root, self.layer_map)
        self.enabled = config.enabled_codes
        self._per_file = [(compile_pattern(p), codes) for p, codes in config.per_file_ignores]

    def codes_for(self, path: Path) -> frozenset[str]:
        """The enabled codes minus the per-file-ignores that match this path."""
        if not self._per_file:
            return self.enabled
        rel = relative_posix(path, self.config.root)
        ignored = [code for spec, codes in self._per_file if spec.match_file(rel) for code in codes]
        return frozenset(c for c in self.enabled if not any(c.startswith(i) for i in ignored))

    def check_path(self, path: Path, display: str) -> FileResult:
        try:
            source = path.read_bytes()
        except OSError as error:
            layer = self.layer_map.layer_for(path).layer
            return _failed(display, layer, f"cannot read file: {error.strerror or error}", 1, 1, self.enabled)
        return self.check_source(source, path, display)

    def check_source(self, source: bytes, path: Path, display: str) -> FileResult:
        layer = self.layer_map.layer_for(path).layer
        codes = self.codes_for(path)
        rule_codes = sorted(c for c in codes if c not in ENGINE_CODES and layer in BY_CODE[c].layers)
        if not rule_codes and "FAP001" not in codes:
            return FileResult(display, layer)
        try:
            encoding = source_encoding(source)
            text = source.decode(encoding)
        except (SyntaxError, LookupError) as error:
            return _failed(display, layer, f"cannot decode file: {error}", 1, 1, codes)
        except UnicodeDecodeError as error:
            line, col = _decode_position(source, error)
            message = f"cannot decode file: invalid {error.encoding} byte 0x{source[error.start]:02x}"
            return _failed(display, layer, message, line, col, codes)
        try:
            module = cst.parse_module(text, cst.PartialParserConfig(encoding=encoding))
        except cst.ParserSyntaxError as error:
            return _syntax_error(display, layer, source, error, codes)
        except Exception as error:  # the native parser reports some inputs (NUL bytes) as other errors
            return _failed(display, layer, f"cannot parse file: {_first_line(str(error))}", 1, 1, codes)

        module_name, is_package = self.index.module_name_for(path)
        ctx = FileContext(display, layer, module_name, is_package, self.index)
        reports: list[Report] = []
        rules = [rule_class(code)(ctx, self.config, reports) for code in rule_codes]
        module.visit(_Dispatcher(ctx, rules))
        return FileResult(display, layer, _findings(ctx, module, text, reports, codes))


def _findings(
    ctx: FileContext, module: cst.Module, text: str, reports: list[Report], codes: frozenset[str]
) -> tuple[Finding, ...]:
    display, layer = ctx.path, ctx.layer
    suppressions = read_suppressions(text)
    if not reports and not suppressions.by_line:
        return ()
    lines = text.splitlines()
    findings: list[Finding] = []
    if reports:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for report in reports:
            where: CodeRange = positions[report.node]
            line = where.start.line
            if suppressions.suppresses(report.code, line):
                continue
            findings.append(
                Finding(
                    display,
                    line,
                    where.start.column + 1,
                    report.code,
                    report.message,
                    where.end.line,
                    where.end.column + 1,
                    layer,
                    _line(lines, line),
                    build_fix(report.fix, module, positions, ctx) if report.fix is not None else None,
                )
            )
    if "FAP002" in codes:
        findings.extend(_unused_noqa(display, layer, suppressions, codes, lines))
    return tuple(sorted(findings))


def _unused_noqa(
    display: str, layer: str, suppressions: Suppressions, codes: frozenset[str], lines: list[str]
) -> Iterable[Finding]:
    for comment in suppressions.by_line.values():
        if comment.codes is None:
            continue
        unused = [c for c in comment.codes if c in codes and c not in comment.used and c != "FAP002"]
        if unused and not suppressions.suppresses("FAP002", comment.line):
            source_line = _line(lines, comment.line)
            yield Finding(
                display,
                comment.line,
                comment.col,
                "FAP002",
                f"Unused `noqa` directive (unused: {', '.join(unused)})",
                comment.line,
                comment.end_col,
                layer,
                source_line,
                _noqa_fix(comment.line, comment.col, comment.end_col, comment.codes, unused, source_line),
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


def _failed(display: str, layer: str, message: str, line: int, col: int, codes: frozenset[str]) -> FileResult:
    if "FAP001" not in codes:
        return FileResult(display, layer)
    finding = Finding(display, max(line, 1), max(col, 1), "FAP001", message, max(line, 1), max(col, 1) + 1, layer)
    return FileResult(display, layer, (finding,))


def _syntax_error(
    display: str, layer: str, source: bytes, error: cst.ParserSyntaxError, codes: frozenset[str]
) -> FileResult:
    """Prefer CPython's position and wording, which are more precise; only paid for broken files."""
    try:
        compile(source, display, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python_error:
        if python_error.lineno:
            message = f"SyntaxError: {python_error.msg}"
            return _failed(display, layer, message, python_error.lineno, python_error.offset or 1, codes)
    except (ValueError, UnicodeError):
        pass
    message = f"SyntaxError: {_first_line(error.message)}"
    return _failed(display, layer, message, error.raw_line, error.raw_column + 1, codes)


def _line(lines: list[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "invalid syntax"


_LINE_END = re.compile(rb"\r\n|\r|\n")


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


def _decode_position(source: bytes, error: UnicodeDecodeError) -> tuple[int, int]:
    before = source[: error.start]
    line = len(_LINE_END.findall(before)) + 1
    last_break = max(before.rfind(b"\n"), before.rfind(b"\r"))
    return line, error.start - last_break


@dataclass(frozen=True, slots=True)
class RunResult:
    files: tuple[FileResult, ...]
    errors: tuple[str, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        return sorted(finding for result in self.files for finding in result.findings)


def run(
    targets: Sequence[tuple[Path, str]],
    config: Config,
    stdin: tuple[bytes, Path, str] | None = None,
    on_result: Callable[[FileResult], object] | None = None,
) -> RunResult:
    """Check files given as (path, display path); `stdin` is (source, path for the layer, display path).

    `on_result` is called as each file is done (progress display).
    """
    checker = Checker(config)
    results = []
    for path, display in targets:
        results.append(checker.check_path(path, display))
        if on_result is not None:
            on_result(results[-1])
    if stdin is not None:
        results.append(checker.check_source(*stdin))
    return RunResult(tuple(sorted(results, key=lambda r: r.path)))


def collect_function_facts(path: Path, index: ProjectIndex, config: Config) -> dict[str, FunctionFacts]:
    """Function facts of another project module: one parse, one walk, no positions."""
    from fapcheck.rules._function_facts import FunctionFactsCollector

    try:
        source = path.read_bytes()
        encoding = source_encoding(source)
        module = cst.parse_module(source.decode(encoding), cst.PartialParserConfig(encoding=encoding))
    except Exception:  # the module's own check reports it as FAP001
        return {}
    module_name, is_package = index.module_name_for(path)
    ctx = FileContext(str(path), index.layer_map.layer_for(path).layer, module_name, is_package, index)
    collector = FunctionFactsCollector(ctx, config, [])
    module.visit(_Dispatcher(ctx, [collector]))
    return collector.facts()


def definition_lines(path: Path, module_name: str) -> dict[str, int]:
    """The line of every function definition, by qualified name (only for functions named in messages)."""
    try:
        source = path.read_bytes()
        encoding = source_encoding(source)
        module = cst.parse_module(source.decode(encoding), cst.PartialParserConfig(encoding=encoding))
    except Exception:
        return {}
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    lines: dict[str, int] = {}

    class _Lines(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.names: list[str] = [module_name] if module_name else []

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self.names.append(node.name.value)

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            self.names.pop()

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            lines.setdefault(".".join([*self.names, node.name.value]), positions[node.name].start.line)
            self.names.append(node.name.value)

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            self.names.pop()

    module.visit(_Lines())
    return lines
