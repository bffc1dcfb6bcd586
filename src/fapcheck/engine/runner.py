"""Check one file: read, parse once, run every applicable rule in one traversal.

Running many files (process pool, result cache) is engine/batch.py's job; it
imports this module, and with it libcst, only when some file must be parsed.
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange

from fapcheck.catalog import BY_CODE
from fapcheck.engine.batch import RunResult, run
from fapcheck.engine.files import display_path
from fapcheck.engine.fixes import build_fix
from fapcheck.engine.plan import ENGINE_CODES, Planner, split_lines
from fapcheck.engine.plan import failed as _failed
from fapcheck.engine.plan import source_line as _line
from fapcheck.engine.plan import unused_noqa as _unused_noqa
from fapcheck.engine.suppress import read_suppressions
from fapcheck.findings import FileResult, Finding, RelatedLocation
from fapcheck.reading import read_regular
from fapcheck.rules import rule_class
from fapcheck.rules.base import Related, RelatedNode, Report
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.dispatch import Dispatcher
from fapcheck.semantic.facts import facts_of_tree
from fapcheck.semantic.positions import lazy_positions
from fapcheck.semantic.source import source_encoding

_FAP_MENTION = re.compile("fap", re.IGNORECASE)  # what a noqa comment FAP002 may report must hold

__all__ = ["ENGINE_CODES", "Checker", "RunResult", "run", "source_encoding"]


class Checker(Planner):
    """Holds what every file of a run shares: configuration, layer map, project index."""

    _learning: tuple[str, ...] | None = None

    def _learning_codes(self) -> tuple[str, ...]:
        """The enabled rules that learn from files they do not check (the catalog tells: no rule module is
        imported to know)."""
        if self._learning is None:
            self._learning = tuple(sorted(c for c in self.enabled - ENGINE_CODES if BY_CODE[c].learns))
        return self._learning

    def check_path(self, path: Path, display: str) -> FileResult:
        try:
            source = read_regular(path)
        except OSError as error:
            layer = self.layer_map.layer_for(path).layer
            return _failed(display, layer, f"cannot read file: {error.strerror or error}", 1, 1, self.enabled)
        return self.check_source(source, path, display)

    def check_source(self, source: bytes, path: Path, display: str, digest: bytes | None = None) -> FileResult:
        """Check one file's bytes. With `digest`, they are the file's content on disk: the facts other
        files' checks read about this module are taken from the same parse."""
        plan = self.plan(source, path, display)
        if plan.result is not None:  # undecodable, or no selected rule can fire: no parse
            return plan.result
        layer, codes, text, encoding, rule_codes = plan.layer, plan.codes, plan.text, plan.encoding, plan.rule_codes
        try:
            module = cst.parse_module(text, cst.PartialParserConfig(encoding=encoding))
        except Exception as error:  # a syntax error, or valid code libcst's node checks refuse
            return _syntax_error(display, layer, source, text, error, codes)

        module_name, is_package = self.index.module_name_for(path)
        ctx = FileContext(display, layer, module_name, is_package, self.index)
        reports: list[Report] = []
        rules = [rule_class(code)(ctx, self.config, reports) for code in rule_codes]
        learners = [
            learner
            for code in self._learning_codes()
            if code not in rule_codes and (learner := rule_class(code).learner(ctx, self.config)) is not None
        ]
        visitors = [visitor for rule in rules for visitor in rule.visitors()]
        try:
            Dispatcher(ctx, [*visitors, *(visitor for learner in learners for visitor in learner.visitors)]).run(module)
            for learner in learners:
                learner.done()
            if digest is not None:
                facts = facts_of_tree(module, str(path), module_name, is_package, layer, b"yield" in source)
                self.index.learn(str(path), digest, facts)
            return FileResult(display, layer, _findings(ctx, module, text, reports, codes))
        except RecursionError:
            return _failed(display, layer, "cannot check file: nested too deeply", 1, 1, codes)
        except Exception as error:  # one file's internal error must not lose the other files' findings
            return internal_error(display, layer, error)


def _findings(
    ctx: FileContext, module: cst.Module, text: str, reports: list[Report], codes: frozenset[str]
) -> tuple[Finding, ...]:
    display, layer = ctx.path, ctx.layer
    if not reports and not _FAP_MENTION.search(text):
        return ()  # FAP002 reports only comments naming a FAP code: without one, nothing to tokenize
    suppressions = read_suppressions(text)
    if not reports and not suppressions.by_line:
        return ()
    lines = split_lines(text)
    findings: list[Finding] = []
    if reports:
        positions = lazy_positions(module, text)
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
                    tuple(_located(item, positions, display) for item in report.related),
                )
            )
    if "FAP002" in codes:
        findings.extend(_unused_noqa(display, layer, suppressions, codes, lines))
    return tuple(sorted(findings))


def _located(item: Related, positions: Mapping[cst.CSTNode, CodeRange], display: str) -> RelatedLocation:
    """A related place with its position, its path shown like the findings' own."""
    if isinstance(item, RelatedNode):
        start = positions[item.node].start
        return RelatedLocation(display, start.line, start.column + 1, item.name)
    return replace(item, path=display_path(Path(os.path.abspath(item.path))))


def internal_error(display: str, layer: str, error: Exception) -> FileResult:
    import traceback

    message = f"{display}: internal error: {type(error).__name__}: {error}. Please report this as a fapcheck bug."
    return FileResult(display, layer, (), (message,), (traceback.format_exc(),))


def _syntax_error(
    display: str, layer: str, source: bytes, text: str, error: Exception, codes: frozenset[str]
) -> FileResult:
    """Prefer CPython's position and wording, which are more precise; only paid for broken files. Code
    that CPython reads is valid: then libcst, not the file, is at fault, and the message says so."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = compile(source, display, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python_error:
        if python_error.lineno:
            message = f"SyntaxError: {python_error.msg}"
            return _failed(display, layer, message, python_error.lineno, python_error.offset or 1, codes)
    except (ValueError, UnicodeError, MemoryError, RecursionError):
        pass
    else:
        line, col = _unreadable_part(text, tree) or _error_position(error)
        return _failed(display, layer, PARSER_LIMIT, line, col, codes)
    if isinstance(error, cst.ParserSyntaxError):
        line, col = _error_position(error)
        return _failed(display, layer, f"SyntaxError: {_first_line(error.message)}", line, col, codes)
    return _failed(display, layer, f"cannot parse file: {_first_line(str(error))}", 1, 1, codes)


PARSER_LIMIT = (
    "cannot parse file: valid Python that libcst, the parser fapcheck reads code with, cannot read "
    "(a limit of the parser, not an error in the file); the file is not checked"
)


def _error_position(error: Exception) -> tuple[int, int]:
    if isinstance(error, cst.ParserSyntaxError):
        return error.raw_line, error.raw_column + 1
    return 1, 1


def _unreadable_part(text: str, tree: ast.AST) -> tuple[int, int] | None:
    """Where libcst fails on code CPython reads: the first simple statement or compound statement header
    libcst cannot parse on its own, then the innermost expression in it that it cannot parse."""
    lines = split_lines(text, keepends=True)

    def segment(node: ast.stmt | ast.expr) -> str:
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else len(lines[end_line - 1])
        if node.lineno == end_line:
            return _utf8_slice(lines[node.lineno - 1], node.col_offset, end_col)
        first = _utf8_slice(lines[node.lineno - 1], node.col_offset, None)
        return first + "".join(lines[node.lineno : end_line - 1]) + _utf8_slice(lines[end_line - 1], 0, end_col)

    def fails(node: ast.stmt | ast.expr) -> bool:
        """libcst cannot parse the node's code on its own, which CPython reads (a slice or a starred
        expression alone is no code)."""
        expression = isinstance(node, ast.expr)
        code = f"({segment(node)})" if expression else segment(node) + "\n"
        try:
            ast.parse(code, mode="eval" if expression else "exec")
        except SyntaxError:
            return False
        try:
            cst.parse_expression(code) if expression else cst.parse_statement(code)
        except Exception:
            return True
        return False

    def culprit(node: ast.stmt | ast.expr) -> tuple[int, int]:
        inner = [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr) and fails(child)]
        if inner:
            return culprit(inner[0])
        return node.lineno, len(_utf8_prefix(lines[node.lineno - 1], node.col_offset)) + 1

    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not _is_compound(node) and fails(node):
            return culprit(node)
        if isinstance(node, ast.stmt):  # a compound statement's header: its own expressions
            header = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr) and fails(c)]
            if header:
                return culprit(header[0])
    return None


def _is_compound(node: ast.stmt) -> bool:
    return hasattr(node, "body") or hasattr(node, "cases")


def _utf8_prefix(line: str, offset: int) -> str:
    """The text before a CPython column offset, which counts UTF-8 bytes."""
    return line.encode("utf-8")[:offset].decode("utf-8", errors="replace")


def _utf8_slice(line: str, start: int, end: int | None) -> str:
    return line.encode("utf-8")[start:end].decode("utf-8", errors="replace")


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "invalid syntax"
