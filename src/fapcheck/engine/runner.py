"""Check one file: read, parse once, run every applicable rule in one traversal.

Running many files (process pool, result cache) is engine/batch.py's job; it
imports this module, and with it libcst, only when some file must be parsed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange

from fapcheck.engine.batch import RunResult, run
from fapcheck.engine.fixes import build_fix
from fapcheck.engine.plan import ENGINE_CODES, Planner, split_lines
from fapcheck.engine.plan import failed as _failed
from fapcheck.engine.plan import source_line as _line
from fapcheck.engine.plan import unused_noqa as _unused_noqa
from fapcheck.engine.suppress import read_suppressions
from fapcheck.findings import FileResult, Finding
from fapcheck.rules import rule_class
from fapcheck.rules.base import Report
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.dispatch import Dispatcher
from fapcheck.semantic.facts import facts_of_tree
from fapcheck.semantic.positions import positions_of
from fapcheck.semantic.source import source_encoding

__all__ = ["ENGINE_CODES", "Checker", "RunResult", "run", "source_encoding"]


class Checker(Planner):
    """Holds what every file of a run shares: configuration, layer map, project index."""

    def check_path(self, path: Path, display: str) -> FileResult:
        try:
            source = path.read_bytes()
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
        except cst.ParserSyntaxError as error:
            return _syntax_error(display, layer, source, error, codes)
        except Exception as error:  # the native parser reports some inputs (NUL bytes) as other errors
            return _failed(display, layer, f"cannot parse file: {_first_line(str(error))}", 1, 1, codes)

        module_name, is_package = self.index.module_name_for(path)
        ctx = FileContext(display, layer, module_name, is_package, self.index)
        reports: list[Report] = []
        rules = [rule_class(code)(ctx, self.config, reports) for code in rule_codes]
        try:
            Dispatcher(ctx, [visitor for rule in rules for visitor in rule.visitors()]).run(module)
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
    suppressions = read_suppressions(text)
    if not reports and not suppressions.by_line:
        return ()
    lines = split_lines(text)
    findings: list[Finding] = []
    if reports:
        positions = positions_of(module)
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


def internal_error(display: str, layer: str, error: Exception) -> FileResult:
    import traceback

    message = f"{display}: internal error: {type(error).__name__}: {error}. Please report this as a fapcheck bug."
    return FileResult(display, layer, (), (message,), (traceback.format_exc(),))


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


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "invalid syntax"
