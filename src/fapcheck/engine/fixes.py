"""Fixes: from a rule's node replacement to text edits, and applying them safely.

Edits are plain (line, column) ranges so they pickle, serialise to JSON and
travel to editors. Applying runs in rounds: each round re-checks the file,
applies the non-overlapping fixes, and keeps the result only if it parses.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import CodeRange

from fapcheck.engine.imports import drop_unused_imports, import_edit, used_names
from fapcheck.engine.plan import split_lines
from fapcheck.findings import Edit, FileResult, Finding, Fix
from fapcheck.reading import read_regular
from fapcheck.semantic.index import digest_of

if TYPE_CHECKING:
    from fapcheck.engine.batch import FileFix, Fixing
    from fapcheck.engine.runner import Checker
    from fapcheck.rules.base import NodeFix
    from fapcheck.semantic.context import FileContext

MAX_ROUNDS = 10


def build_fix(
    node_fix: NodeFix, module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], ctx: FileContext
) -> Fix | None:
    where = positions[node_fix.node]
    replacement = node_fix.replacement
    if isinstance(replacement, str):
        text = replacement
    else:
        text = code_in_place(module, replacement, _statement_indent(module, positions, where.start.line))
    edits = [Edit(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1, text)]
    if node_fix.add_import is not None:
        from fapcheck.rules._awaiting import run_time_import

        bound = ctx.frames[0].bindings.get(node_fix.add_import.split(".")[0])
        if run_time_import(ctx, node_fix.add_import) is None:
            if bound is not None and (bound.kind != "import" or bound.qualname != node_fix.add_import):
                return None  # the name means something else here: no safe fix
            edits.insert(0, import_edit(module, positions, node_fix.add_import))
    return Fix(node_fix.description, tuple(edits), node_fix.safe)


def code_in_place(module: cst.Module, node: cst.CSTNode, indent: str) -> str:
    """The code of `node` as it reads inside a statement indented by `indent`: the continuation lines of a
    call that spans lines keep their place (`Module.code_for_node` would put them at column 0)."""
    from libcst._nodes.internal import CodegenState  # what Module.code_for_node uses, with the indentation

    state = CodegenState(module.default_indent, module.default_newline, indent_tokens=[indent] if indent else [])
    node._codegen(state)
    return "".join(state.tokens)


def _statement_indent(module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], line: int) -> str:
    """The indentation of the innermost statement around `line`, from the blocks that hold it, as libcst's
    code generation adds it to continuation lines."""
    indent = ""
    statements: Sequence[cst.CSTNode] = module.body
    while True:
        inner = next((s for s in statements if positions[s].start.line <= line <= positions[s].end.line), None)
        if inner is None or not isinstance(inner, cst.BaseCompoundStatement):
            return indent
        blocks = list(_blocks_of(inner))
        block = next((b for b in blocks if positions[b].start.line <= line <= positions[b].end.line), None)
        if not isinstance(block, cst.IndentedBlock):
            return indent  # the header of the statement, or a one-line body after its colon
        indent += module.default_indent if block.indent is None else block.indent
        statements = block.body


def _blocks_of(statement: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    """The bodies of a compound statement: its own, and those of its `elif`, `else`, `except`, `finally`
    and `case` clauses."""
    for child in statement.children:
        if isinstance(child, cst.BaseSuite):
            yield child
        elif isinstance(
            child, (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)
        ):
            yield from _blocks_of(child)


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, int]:
    """Apply the edits that do not overlap an earlier one; identical edits are applied once."""
    starts = [0]
    for line in split_lines(text, keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:
        return min(starts[min(line, len(starts)) - 1] + col - 1, len(text))

    spans = sorted({(offset(e.line, e.col), offset(e.end_line, e.end_col), e.text) for e in edits})
    pieces: list[str] = []
    cursor = 0
    applied = 0
    for start, end, replacement in spans:
        if start < cursor:
            continue
        pieces += [text[cursor:start], replacement]
        cursor = end
        applied += 1
    pieces.append(text[cursor:])
    return "".join(pieces), applied


@dataclass(frozen=True, slots=True)
class FixOutcome:
    source: bytes
    fixed: int
    findings: tuple[Finding, ...]
    problem: str | None = None  # why the remaining fixes were not applied

    def changed(self, original: bytes) -> bool:
        return self.source != original


def fix_source(
    checker: Checker,
    source: bytes,
    path: Path,
    display: str,
    unsafe: bool,
    findings: Sequence[Finding] | None = None,
) -> FixOutcome:
    """Apply fixes in rounds until none is left (or a round would not parse); never touch FAP001 files.
    `findings` are the source's own, when it has just been checked."""
    from fapcheck.semantic.source import source_encoding

    current = source
    fixed = 0
    if findings is None:
        findings = checker.check_source(current, path, display).findings
    for _ in range(MAX_ROUNDS):
        if any(f.code == "FAP001" for f in findings):
            break
        fixes = [f.fix for f in findings if f.fix is not None and (f.fix.safe or unsafe)]
        if not fixes:
            break
        encoding = source_encoding(current)
        text = current.decode(encoding)
        new_text, _ = apply_edits(text, [edit for fix in fixes for edit in fix.edits])
        try:
            fixed_module = cst.parse_module(new_text)
            new_text = _without_imports_left_unused(text, fixed_module, new_text) or new_text
        except Exception:  # a fix that would break the file is never written, nor silently dropped
            count = f"{len(fixes)} fix{'es' if len(fixes) != 1 else ''}"
            problem = (
                f"{display}: {count} not applied: the fixed code would not parse. Please report this as a fapcheck bug."
            )
            return FixOutcome(current, fixed, tuple(findings), problem)
        candidate = new_text.encode(encoding)
        if candidate == current:
            break
        new_findings = checker.check_source(candidate, path, display).findings
        still_fixable = sum(1 for f in new_findings if f.fix is not None and (f.fix.safe or unsafe))
        fixed += max(0, len(fixes) - still_fixable)
        current, findings = candidate, new_findings
    return FixOutcome(current, fixed, tuple(findings))


def _without_imports_left_unused(before: str, after: cst.Module, text: str) -> str | None:
    """The fixed text (`after`, parsed from `text`) without the imports whose last use the fixes took; None
    when there are none."""
    gone = used_names(cst.parse_module(before)) - used_names(after)
    if not gone:
        return None
    pruned = drop_unused_imports(after, gone)
    if pruned is after:
        return None
    code = pruned.code
    if text.endswith("\r") and not code.endswith("\r"):
        code += "\r"  # libcst drops the last line break of a file whose lines end in `\r` alone
    return code


class ReadOnlyError(OSError):
    pass


def write_fixed(path: Path, data: bytes, original: bytes) -> None:
    """Replace the file (a symbolic link's target) with its fixed content, keeping its metadata; only
    while it still holds `original`, else `ChangedOnDisk`. A read-only file is never touched."""
    from fapcheck.writes import replace_file, write_target

    target, found = write_target(path, "follow")
    if found is not None and not stat.S_IMODE(found.st_mode) & stat.S_IWUSR:
        raise ReadOnlyError("cannot write fixes: the file is read-only")
    replace_file(target, data, symlinks="follow", expected=original)


CHANGED_WHILE_RUNNING = "changed on disk while fapcheck ran; not fixed (run again to fix it)"


def fix_file(
    checker: Checker, path: Path, display: str, checked: FileResult, digest: bytes, fixing: Fixing
) -> tuple[FileFix, FileResult | None]:
    """Fix a file whose check (`checked`, of the content with `digest`) found something to fix: write the
    fixes, or make their diff. The file's result after the fixes, when they were written."""
    from fapcheck.engine.batch import FileFix

    try:
        original = read_regular(path)
    except OSError:
        original = b""
    if digest_of(original) != digest:  # changed since it was checked: the next run fixes it
        return FileFix(display, skipped=f"{display}: {CHANGED_WHILE_RUNNING}"), None
    outcome = fix_source(checker, original, path, display, fixing.unsafe, checked.findings)
    if not outcome.changed(original):
        return FileFix(display, problem=outcome.problem), None
    if not fixing.write:
        return FileFix(display, diff=unified_diff(original, outcome.source, display), problem=outcome.problem), None
    from fapcheck.writes import ChangedOnDisk, WriteRefused

    try:
        write_fixed(path, outcome.source, original)
    except ChangedOnDisk:
        return FileFix(display, skipped=f"{display}: {CHANGED_WHILE_RUNNING}"), None
    except OSError as error:
        if isinstance(error, ReadOnlyError):
            reason = str(error)
        elif isinstance(error, WriteRefused):
            reason = f"cannot write fixes: {str(error).split(': ', 1)[-1]}"
        else:
            reason = f"cannot write fixes: {error.strerror or error}"
        return FileFix(display, error=f"{display}: {reason}"), None
    return FileFix(display, outcome.fixed, problem=outcome.problem), FileResult(
        display, checked.layer, outcome.findings
    )


def unified_diff(before: bytes, after: bytes, display: str) -> str:
    import difflib

    encoding = "utf-8"
    old = split_lines(before.decode(encoding, errors="replace"), keepends=True)
    new = split_lines(after.decode(encoding, errors="replace"), keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{display}", f"b/{display}"))
