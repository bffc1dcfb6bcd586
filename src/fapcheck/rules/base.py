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
from fapcheck.findings import RelatedLocation
from fapcheck.semantic.context import FileContext


@dataclass(frozen=True, slots=True)
class NodeFix:
    """A fix as a rule declares it: replace `node` by `replacement` (a node or source text).

    `add_import` names a module the replacement needs; the engine adds
    `import <module>` after the file's top imports unless it is imported already.
    """

    description: str
    node: cst.CSTNode
    replacement: cst.CSTNode | str
    add_import: str | None = None
    safe: bool = True


@dataclass(frozen=True, slots=True)
class RelatedNode:
    """A place the finding leads through in the checked file itself: the engine knows its position."""

    node: cst.CSTNode
    name: str


Related = RelatedNode | RelatedLocation  # a RelatedLocation's path is the file's, as the project index knows it


@dataclass(frozen=True, slots=True)
class Learner:
    """Collectors a file's walk visits, and what is done with what they collected once it is over."""

    visitors: tuple[cst.BatchableCSTVisitor, ...]
    done: Callable[[], None]


@dataclass(frozen=True, slots=True)
class Report:
    node: cst.CSTNode
    code: str
    message: str
    fix: NodeFix | None = None
    related: tuple[Related, ...] = ()


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

    def visitors(self) -> tuple[cst.BatchableCSTVisitor, ...]:
        """What the engine's walk visits for this rule: the rule, after any collector it reads."""
        return (self,)

    @classmethod
    def learner(cls, ctx: FileContext, config: Config) -> Learner | None:
        """What the rule learns about the project from a parsed file it does not check (none of its findings
        can be there): collectors for the engine's walk, and what to do with them after it. Facts learnt
        from a parse already paid for spare another parse when a checked file asks about this module."""
        return None

    def report(self, node: cst.CSTNode, fix: NodeFix | None = None, **fields: object) -> None:
        message = self.message.format(**fields) if fields else self.message
        self._sink.append(Report(node, self.code, message, fix))

    def report_related(self, node: cst.CSTNode, related: tuple[Related, ...], **fields: object) -> None:
        """A finding that leads through other places (`related`, in order), which its message never locates."""
        self._sink.append(Report(node, self.code, self.message.format(**fields), None, related))

    @classmethod
    def documentation(cls) -> str:
        return _dedent_doc(cls.__doc__ or "")


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
