"""Which synchronous project functions block, followed across modules.

A synchronous function blocks when it makes a blocking call itself or calls a
synchronous project function that blocks. Facts of other modules are
collected on first use (one parse and one walk of that module), so the answer
is the same when only some files are checked. Cycles end; calls that cannot
be resolved are not guessed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fapcheck.config import Config

if TYPE_CHECKING:
    from fapcheck.engine.index import ProjectIndex
    from fapcheck.rules._function_facts import FunctionFacts

_MAX_DEPTH = 25


@dataclass(frozen=True, slots=True)
class Step:
    qualname: str
    path: str


@dataclass(frozen=True, slots=True)
class Chain:
    steps: tuple[Step, ...]  # the synchronous project functions, outermost first
    blocking: str  # the blocking call at the end: 'requests.post()'


class CallGraph:
    def __init__(self, index: ProjectIndex, config: Config) -> None:
        self.index = index
        self.config = config
        self._modules: dict[str, dict[str, FunctionFacts]] = {}
        self._chains: dict[str, Chain | None] = {}
        self._lines: dict[str, dict[str, int]] = {}

    def seed(self, module: str, facts: dict[str, FunctionFacts]) -> None:
        """Facts of the module being checked, gathered in its own walk (no second parse)."""
        self._modules[module] = facts

    def module_facts(self, module: str) -> dict[str, FunctionFacts]:
        if module not in self._modules:
            self._modules[module] = {}  # a module that imports itself back sees nothing while in progress
            location = self.index.locate(module)
            if location is not None and location.path.suffix in (".py", ".pyi"):
                from fapcheck.engine.runner import collect_function_facts

                self.index.content_stamp(str(location.path))  # before reading: what the cache compares
                self._modules[module] = collect_function_facts(location.path, self.index, self.config)
        return self._modules[module]

    def function(self, qualname: str) -> FunctionFacts | None:
        """The facts of a project function or method, by any name it is reachable under."""
        parts = qualname.split(".")
        for split in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:split])
            if module not in self._modules and self.index.locate(module) is None:
                continue
            found = self.module_facts(module).get(qualname)
            if found is not None:
                return found
            # `from app.services import ExportService` re-exported from app.services.export
            head = ".".join(parts[: split + 1])
            canonical = self.index.canonical(head)
            if canonical != head:
                return self.function(".".join([canonical, *parts[split + 1 :]]))
            return None
        return None

    def chain(self, qualname: str, depth: int = 0) -> Chain | None:
        """How calling this function blocks, or None when it does not (or cannot be known)."""
        if qualname in self._chains:
            return self._chains[qualname]
        self._chains[qualname] = None  # cycles end here
        facts = self.function(qualname)
        found: Chain | None = None
        if facts is not None and not facts.is_async and depth < _MAX_DEPTH:
            step = Step(facts.qualname, facts.path)
            if facts.blocking is not None:
                found = Chain((step,), facts.blocking)
            else:
                for callee in facts.calls:
                    inner = self.chain(callee, depth + 1)
                    if inner is not None:
                        found = Chain((step, *inner.steps), inner.blocking)
                        break
        self._chains[qualname] = found
        if depth == 0:
            self._record(qualname)
        return found

    def _record(self, qualname: str) -> None:
        """The checked file's result depends on every module its call can reach (memoised chains hide them)."""
        seen: set[str] = set()
        stack = [qualname]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            facts = self.function(name)
            if facts is not None:
                self.index.depend_on_content(facts.path)
                stack.extend(facts.calls)

    def describe(self, step: Step) -> str:
        """`OrderService.export (app/services/order.py:40)`."""
        module = self._module_of(step.qualname)
        short = step.qualname[len(module) + 1 :] if module else step.qualname
        line = self._line(step)
        where = _display(step.path)
        return f"{short} ({where}:{line})" if line else f"{short} ({where})"

    def _module_of(self, qualname: str) -> str:
        for module, facts in self._modules.items():
            if qualname in facts:
                return module
        return ""

    def _line(self, step: Step) -> int:
        """Lines are found only for the few functions named in a message (a parse with positions)."""
        module = self._module_of(step.qualname)
        if module not in self._lines:
            from fapcheck.engine.runner import definition_lines

            self._lines[module] = definition_lines(Path(step.path), module)
        return self._lines[module].get(step.qualname, 0)


def _display(path: str) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path
