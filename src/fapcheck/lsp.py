"""The language server: diagnostics as you type, quick fixes, `# noqa` on demand (LSP over stdio).

Needs the `lsp` extra (pygls 2); only `fapcheck server` imports this module.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from fapcheck import __version__
from fapcheck.config import Config, ConfigError, ConfigResolver
from fapcheck.engine.plan import split_lines
from fapcheck.engine.runner import Checker
from fapcheck.engine.suppress import noqa_place
from fapcheck.findings import Finding
from fapcheck.report import rule_url
from fapcheck.semantic.index import KnownFacts

DEBOUNCE_SECONDS = 0.3  # after the last keystroke, before re-checking a changed document
SOURCE = "fapcheck"
_NOQA = re.compile(r"#\s*noqa(?P<colon>:\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


class FapcheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SOURCE, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.findings: dict[str, list[Finding]] = {}  # the last findings of each open document
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.workspace_root: Path | None = None
        self.last_error: str | None = None
        # Facts of the modules the open documents import, kept between checks: a keystroke re-reads
        # only the modules that changed on disk.
        self.known_facts: KnownFacts = {}

    # ---------------------------------------------------------- checking

    def config_for(self, path: Path) -> Config:
        """The configuration that governs `path`: the closest above it; outside any project, the workspace's."""
        fallback = self.workspace_root
        if fallback is None or not _is_below(path, fallback):
            fallback = path.parent
        return ConfigResolver(fallback_root=fallback).for_file(path)

    def check(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        path = Path(document.path) if document.path else Path(os.getcwd()) / "untitled.py"
        try:
            config = self.config_for(path)
            checker = Checker(config)
            checker.index.known_facts = self.known_facts  # checked against each file's digest when used
            result = checker.check_source(document.source.encode("utf-8"), path, str(path))
        except ConfigError as error:
            message = "fapcheck: " + "; ".join(error.problems)
            if message != self.last_error:  # once, not at every keystroke
                self.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
            self.last_error = message
            self.findings[uri] = []
            self.publish(uri, [])
            return
        self.last_error = None
        self.findings[uri] = list(result.findings)
        lines = _lines(document.source)
        self.publish(uri, [self.diagnostic(finding, lines) for finding in result.findings], document.version)

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None = None) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def schedule(self, uri: str) -> None:
        """Check after a quiet spell, so a burst of keystrokes costs one run."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._check_later(uri))

    async def _check_later(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        self.pending.pop(uri, None)
        self.check(uri)

    def cancel(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()

    # ---------------------------------------------------------- conversions

    def position(self, lines: Sequence[str], line: int, col: int) -> types.Position:
        """A 1-based (line, code point column) as the client counts (UTF-16 by default)."""
        codec = self.workspace.position_codec
        return codec.position_to_client_units(lines, types.Position(max(line - 1, 0), max(col - 1, 0)))

    def range(self, lines: Sequence[str], line: int, col: int, end_line: int, end_col: int) -> types.Range:
        return types.Range(self.position(lines, line, col), self.position(lines, end_line, end_col))

    def diagnostic(self, finding: Finding, lines: Sequence[str]) -> types.Diagnostic:
        severity = types.DiagnosticSeverity.Error if finding.code == "FAP001" else types.DiagnosticSeverity.Warning
        return types.Diagnostic(
            range=self.range(lines, finding.line, finding.col, finding.end_line, finding.end_col),
            message=finding.message,
            severity=severity,
            code=finding.code,
            code_description=types.CodeDescription(href=rule_url(finding.code)),
            source=SOURCE,
        )

    # ---------------------------------------------------------- code actions

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        lines = _lines(document.source)
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != SOURCE:
                continue
            finding = self._finding_for(uri, diagnostic, lines)
            if finding is None:
                continue
            if finding.fix is not None:
                edits = [
                    types.TextEdit(self.range(lines, e.line, e.col, e.end_line, e.end_col), e.text)
                    for e in finding.fix.edits
                ]
                actions.append(
                    types.CodeAction(
                        title=f"Fix {finding.code}: {finding.fix.description or finding.message}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={uri: edits}),
                        is_preferred=finding.fix.safe,
                    )
                )
            noqa = self._noqa_edit(finding, document.source, lines)
            if noqa is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Ignore {finding.code} on this line (# noqa: {finding.code})",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=types.WorkspaceEdit(changes={uri: [noqa]}),
                    )
                )
        return actions

    def _finding_for(self, uri: str, diagnostic: types.Diagnostic, lines: Sequence[str]) -> Finding | None:
        for finding in self.findings.get(uri, ()):
            if finding.code == diagnostic.code and self.diagnostic(finding, lines).range == diagnostic.range:
                return finding
        return None

    def _noqa_edit(self, finding: Finding, source: str, lines: Sequence[str]) -> types.TextEdit | None:
        """Add the code to the codes of the line's noqa comment, or add such a comment at its end; where
        the line goes on (a `\\` at its end, a string it opens), at the end of the statement's last line."""
        if finding.code == "FAP001":
            return None  # a file that does not parse cannot be silenced line by line
        place = noqa_place(source, finding.line)
        if place is None or place[0] > len(lines):
            return None  # no line takes a comment
        line, comment = place
        text = lines[line - 1].rstrip("\r\n")
        match = _NOQA.search(text, comment) if comment is not None else None  # in the comment, not a string
        if match is not None and match["colon"] is None:
            return None  # a bare noqa comment already silences everything
        if match is not None:
            start = end = match.end("codes")
            insert = f", {finding.code}"
        else:
            start, end = len(text.rstrip()), len(text)  # replaces trailing blanks
            insert = "  #" + f" noqa: {finding.code}"  # split, or linters take the text for a directive
        where = self.range(lines, line, start + 1, line, end + 1)
        return types.TextEdit(where, insert)


def _lines(source: str) -> list[str]:
    """The document's lines as the client counts them (LSP: `\\n`, `\\r\\n`, `\\r`), not as pygls splits them
    (`str.splitlines` also breaks at a form feed)."""
    return split_lines(source, keepends=True)


def _is_below(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _path_of(uri: str | None) -> Path | None:
    if not uri or not uri.startswith("file:"):
        return None
    return Path(unquote(urlparse(uri).path))


def build_server() -> FapcheckServer:
    server = FapcheckServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: FapcheckServer, params: types.InitializeParams) -> None:
        folders = params.workspace_folders or []
        ls.workspace_root = _path_of(folders[0].uri if folders else params.root_uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FapcheckServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FapcheckServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: FapcheckServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.cancel(params.text_document.uri)
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FapcheckServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.cancel(params.text_document.uri)
        ls.findings.pop(params.text_document.uri, None)
        ls.publish(params.text_document.uri, [])

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: FapcheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    return server


def serve() -> None:
    build_server().start_io()
