"""Where an `await` can be added by a fix, for the rules whose fix adds one (FAP402, FAP602)."""

from __future__ import annotations

import libcst as cst

from fapcheck.config import Config
from fapcheck.rules.base import NodeFix, Report, Rule
from fapcheck.semantic.context import FileContext


def run_time_import(ctx: FileContext, module: str) -> str | None:
    """The module-level name under which `import module` binds it at run time: an import only under
    `if TYPE_CHECKING:` binds nothing then."""
    if not any(item.module == module and item.name is None and not item.type_checking for item in ctx.imports):
        return None
    bindings = ctx.frames[0].bindings.items()
    return next((name for name, b in bindings if b.kind == "import" and b.qualname == module), None)


class AwaitFixes(Rule):
    """Tracks the receivers that need parentheses and the generator expressions around a call.

    `await x.y` means `await (x.y)`: a call used as the receiver of an
    attribute, a subscript or another call gets parentheses. Inside a
    generator expression an `await` would turn it into an async generator,
    so no fix is offered there. Subclasses call `note_receiver` from their
    `visit_Call`.
    """

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self._receivers: set[int] = set()
        self._generator_depth = 0

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._receivers.add(id(node.value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._receivers.add(id(node.value))

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._generator_depth += 1

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._generator_depth -= 1

    def note_receiver(self, node: cst.Call) -> None:
        self._receivers.add(id(node.func))

    def is_receiver(self, node: cst.BaseExpression) -> bool:
        return id(node) in self._receivers

    def await_fix(
        self, node: cst.Call, call: cst.BaseExpression, description: str, add_import: str | None = None
    ) -> NodeFix | None:
        """Replace `node` by `await <call>`, in an `async def` only."""
        if self._generator_depth or not self.ctx.in_async:
            return None
        replacement: cst.BaseExpression = cst.Await(expression=call)
        if self.is_receiver(node):
            replacement = replacement.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return NodeFix(description, node, replacement, add_import=add_import)
