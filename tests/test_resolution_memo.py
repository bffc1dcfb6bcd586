"""The tracker remembers what each expression resolves to (its type, the type an annotation names, the
provider a Depends marker names) until the walk moves: asking again, as every rule does, gives the answer a
fresh resolution gives, in every fixture project."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from fapcheck.config import Config
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.dispatch import Dispatcher
from fapcheck.semantic.index import ProjectIndex

from conftest import FIXTURES


class _Asker(cst.BatchableCSTVisitor):
    """Resolves every call, name and attribute twice, and freshly, where the walk stands."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.asked = 0

    def _ask(self, node: cst.BaseExpression) -> None:
        first = self.ctx.resolve(node)
        assert self.ctx.resolve(node) == first
        assert self.ctx._resolve(node) == first, cst.Module([]).code_for_node(node)
        self.asked += 1

    def visit_Call(self, node: cst.Call) -> None:
        self._ask(node)
        self._ask(node.func)
        first = self.ctx.depends_provider(node)
        assert self.ctx.depends_provider(node) == first == self.ctx._depends_provider(node)

    def visit_Param(self, node: cst.Param) -> None:
        if node.annotation is not None:
            annotation = node.annotation.annotation
            first = self.ctx.annotation_type(annotation)
            assert self.ctx.annotation_type(annotation) == first == self.ctx._annotation_type(annotation)
            self.asked += 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._ask(node)


def test_remembered_answers_are_fresh_answers() -> None:
    asked = 0
    for root in (FIXTURES / "projects" / "types", FIXTURES / "demo"):
        index = ProjectIndex(str(root), Config(root=str(root)).layer_map())
        for path in sorted(Path(root).rglob("*.py")):
            try:
                module = cst.parse_module(path.read_bytes())
            except cst.ParserSyntaxError:
                continue
            name, is_package = index.module_name_for(path)
            ctx = FileContext(str(path), index.layer_map.layer_for(path).layer, name, is_package, index)
            asker = _Asker(ctx)
            Dispatcher(ctx, [asker]).run(module)
            asked += asker.asked
    assert asked > 500


def test_what_a_def_binds_is_seen_by_the_rules_that_visit_it() -> None:
    """The tracker asks about a function's annotations before it binds its parameters; the rules, which
    visit the function after that, see the parameters bound (a parameter named like a class shadows it)."""
    from fapcheck.api import lint_source

    source = (
        "from fastapi import APIRouter\n"
        "from sqlalchemy.orm import Session\n"
        "router = APIRouter()\n"
        "@router.get('/a')\n"
        "async def a(db: Session, Session: int = 0):\n"
        "    return db\n"
        "@router.get('/b')\n"
        "async def b(Session: Session):\n"
        "    return Session\n"
    )
    assert [f.code for f in lint_source(source, "app/api/routes/items.py")] == []
