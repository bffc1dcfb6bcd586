"""Shared walk over import statements for the layer-import rules."""

from __future__ import annotations

import libcst as cst

from fapcheck.rules.base import Rule
from fapcheck.semantic.context import ImportedName
from fapcheck.semantic.index import ModuleLocation


class ImportRule(Rule):
    """Calls `check_import` for each runtime import of the statement (TYPE_CHECKING imports are skipped)."""

    def visit_Import(self, node: cst.Import) -> None:
        self._check_all(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._check_all(node)

    def _check_all(self, node: cst.Import | cst.ImportFrom) -> None:
        for item in self.ctx.imports_of(node):
            if not item.type_checking:
                self.check_import(item)

    def check_import(self, item: ImportedName) -> None:
        raise NotImplementedError

    def locate(self, item: ImportedName) -> ModuleLocation | None:
        if self.ctx.project is None or not item.module:
            return None
        return self.ctx.project.locate_import(item.module, item.name)
