"""Check one file: read, parse once, run every applicable rule in one traversal.

Running many files (process pool, result cache) is engine/batch.py's job; it
imports this module, and with it libcst, only when some file must be parsed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from fapcheck.config import Config
from fapcheck.engine.batch import RunResult, run
from fapcheck.engine.context import FileContext
from fapcheck.engine.facts import facts_of_tree
from fapcheck.engine.fixes import build_fix
from fapcheck.engine.index import ProjectIndex
from fapcheck.engine.parsing import parse_file
from fapcheck.engine.plan import ENGINE_CODES, Planner, source_encoding
from fapcheck.engine.plan import failed as _failed
from fapcheck.engine.plan import source_line as _line
from fapcheck.engine.plan import unused_noqa as _unused_noqa
from fapcheck.engine.suppress import read_suppressions
from fapcheck.engine.walk import walk
from fapcheck.findings import FileResult, Finding
from fapcheck.rules import rule_class
from fapcheck.rules.base import Report, Rule

if TYPE_CHECKING:
    from fapcheck.rules._function_facts import FunctionFacts

__all__ = ["ENGINE_CODES", "Checker", "RunResult", "run", "source_encoding"]

VisitorMethod = Callable[[cst.CSTNode], object]


class _Dispatcher:
    """One traversal: the context tracker steps in before the rules and out after them."""

    def __init__(self, ctx: FileContext, rules: Sequence[Rule]) -> None:
        self.ctx = ctx
        self.visits: dict[str, list[VisitorMethod]] = {}
        self.leaves: dict[str, list[VisitorMethod]] = {}
        for rule in rules:
            for name in _visitor_names(type(rule)):
                table = self.visits if name.startswith("visit_") else self.leaves
                table.setdefault(name[6:], []).append(getattr(rule, name))

    def run(self, module: cst.Module) -> None:
        walk(module, self.on_visit, self.on_leave)

    def on_visit(self, node: cst.CSTNode) -> None:
        self.ctx.enter(node)
        for method in self.visits.get(type(node).__name__, ()):
            method(node)

    def on_leave(self, node: cst.CSTNode) -> None:
        for method in self.leaves.get(type(node).__name__, ()):
            method(node)
        self.ctx.leave(node)


@cache
def _visitor_names(cls: type[Rule]) -> tuple[str, ...]:
    # libcst's own base classes define a no-op visit_/leave_ for every node type: dispatching to
    # those would call ~1 600 empty methods per rule on every node.
    names = {
        name
        for klass in cls.__mro__
        if klass not in (Rule, object) and not klass.__module__.startswith("libcst")
        for name in vars(klass)
        if name.startswith(("visit_", "leave_")) and callable(getattr(cls, name))
    }
    return tuple(sorted(names))


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
            _Dispatcher(ctx, rules).run(module)
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
    lines = text.splitlines()
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


def positions_of(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position. `MetadataWrapper.resolve` would also walk (and rebuild) the whole tree once
    more for batchable providers, of which there are none here: asking the provider itself skips that."""
    try:
        return _positions(module)
    except RecursionError:  # libcst's code generation recurses: thousands of concatenated strings
        return _with_deep_stack(lambda: _positions(module))


def _positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    positions = PositionProvider()._gen(MetadataWrapper(module, unsafe_skip_copy=True))
    return cast("Mapping[cst.CSTNode, CodeRange]", positions)  # PositionProvider computes no lazy values


# A thread with this much stack runs this many Python frames safely (about 25 kB of C stack each, far more
# than a frame of code generation takes); deeper code still ends in a RecursionError, never a crash.
_DEEP_STACK_BYTES = 512 * 1024 * 1024
_DEEP_RECURSION_LIMIT = 20_000


def _with_deep_stack(work: Callable[[], Mapping[cst.CSTNode, CodeRange]]) -> Mapping[cst.CSTNode, CodeRange]:
    import sys
    import threading

    outcome: list[Mapping[cst.CSTNode, CodeRange] | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the calling thread
            outcome.append(error)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _DEEP_RECURSION_LIMIT))
    try:
        try:
            old_size = threading.stack_size(_DEEP_STACK_BYTES)
        except (ValueError, RuntimeError) as error:  # a platform without settable thread stacks
            raise RecursionError("nested too deeply") from error
        try:
            thread = threading.Thread(target=run, name="fapcheck-positions")
            thread.start()
        except (RuntimeError, MemoryError) as error:  # no room for such a stack
            raise RecursionError("nested too deeply") from error
        finally:
            threading.stack_size(old_size)
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


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


def collect_function_facts(path: Path, index: ProjectIndex, config: Config) -> dict[str, FunctionFacts]:
    """Function facts of another project module: one parse, one walk, no positions."""
    from fapcheck.rules._function_facts import FunctionFactsCollector

    module = parse_file(path)
    if module is None:  # the module's own check reports it as FAP001
        return {}
    module_name, is_package = index.module_name_for(path)
    ctx = FileContext(str(path), index.layer_map.layer_for(path).layer, module_name, is_package, index)
    collector = FunctionFactsCollector(ctx, config, [])
    _Dispatcher(ctx, [collector]).run(module)
    return collector.facts()
