"""The contract between a rule and the engine.

A rule is a libcst visitor with `visit_<Node>`/`leave_<Node>` methods. It
reads the shared FileContext, reports nodes, and knows nothing of files,
reporters or the command line. Its docstring is its documentation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import libcst as cst

from fapcheck.catalog import BY_CODE, RuleSpec
from fapcheck.config import Config
from fapcheck.engine.context import FileContext

FixBuilder = Callable[[cst.Module], "cst.Module | None"]


@dataclass(frozen=True, slots=True)
class Report:
    node: cst.CSTNode
    code: str
    message: str
    fix: FixBuilder | None = None
    fix_safe: bool = True
    fix_description: str = ""


class Rule(cst.BatchableCSTVisitor):
    """Base class: set `code` and `message`; the catalog supplies name, family and layers."""

    code: ClassVar[str]
    message: ClassVar[str]
    spec: ClassVar[RuleSpec]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            cls.spec = BY_CODE[cls.code]

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__()
        self.ctx = ctx
        self.config = config
        self._sink = sink

    def report(
        self,
        node: cst.CSTNode,
        fix: FixBuilder | None = None,
        fix_safe: bool = True,
        fix_description: str = "",
        **fields: object,
    ) -> None:
        message = self.message.format(**fields) if fields else self.message
        self._sink.append(Report(node, self.code, message, fix, fix_safe, fix_description))

    @classmethod
    def documentation(cls) -> str:
        return _dedent_doc(cls.__doc__ or "")


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
