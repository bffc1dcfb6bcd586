"""Shared walk over import statements for the layer-import rules."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from fapcheck.rules.base import Rule
from fapcheck.semantic.context import ImportedName
from fapcheck.semantic.index import ModuleLocation


class ImportRule(Rule):
    """Reports an import statement once, naming every runtime import of it that `flagged` describes.

    A statement that imports several offending names is one problem with one fix, so it is
    one finding, placed at its first offending name. TYPE_CHECKING imports are skipped.
    """

    def visit_Import(self, node: cst.Import) -> None:
        self._check_statement(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check_statement(node)

    def _check_statement(self, node: cst.Import | cst.ImportFrom) -> None:
        self.report_statement(self.flagged_items(node))

    def flagged_items(self, node: cst.Import | cst.ImportFrom) -> list[tuple[ImportedName, str]]:
        """The runtime imports of a statement that `flagged` describes, with their descriptions."""
        found = []
        for item in self.ctx.imports_of(node):
            description = None if item.type_checking else self.flagged(item)
            if description is not None:
                found.append((item, description))
        return found

    def report_statement(self, items: list[tuple[ImportedName, str]]) -> None:
        """One finding for a statement's flagged imports, at the first of them."""
        if items:
            described = dict.fromkeys(description for _, description in items)  # two names of one module are one
            self.report(items[0][0].node, layer=self.ctx.layer, targets=enumeration(described))

    def flagged(self, item: ImportedName) -> str | None:
        """How the message names this imported name when it is a finding, else None."""
        raise NotImplementedError

    def locate(self, item: ImportedName) -> ModuleLocation | None:
        if self.ctx.project is None or not item.module:
            return None
        return self.ctx.project.locate_import(item.module, item.name)


def layered_module(location: ModuleLocation) -> str:
    """`repository module 'app.crud' (repository: preset: file name 'crud')`: the layer and why it is that."""
    decision = location.layer
    why = f"{decision.layer}: {decision.pattern}" if decision.pattern else decision.layer
    return f"{decision.layer} module '{location.name}' ({why})"


def enumeration(items: Iterable[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    listed = list(items)
    return listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"
