"""Which synchronous project functions block, followed across modules.

A synchronous function blocks when it makes a blocking call itself or calls a
synchronous project function that blocks. Facts of other modules are
collected on first use (one parse and one walk of that module), so the answer
is the same when only some files are checked. Cycles end; calls that cannot
be resolved are not guessed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from weakref import WeakKeyDictionary

from fapcheck.config import Config
from fapcheck.layers import relative_posix
from fapcheck.semantic.function_facts import collect_function_facts
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.storage import unpickle
from fapcheck.semantic.symbols import FunctionFacts

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
    """Facts are kept by module file, not by module name: two projects side by side may share names."""

    def __init__(self, index: ProjectIndex, config: Config) -> None:
        self.index = index
        self.config = config
        self._modules: dict[str, dict[str, FunctionFacts]] = {}  # absolute path -> facts by qualified name
        self._names: dict[str, str] = {}  # absolute path -> module name
        self._chains: dict[tuple[str, str], Chain | None] = {}

    def seed(self, module: str, path: str, facts: dict[str, FunctionFacts]) -> None:
        """Facts of the module being checked, gathered in its own walk (no second parse). They name the
        module by its absolute path, as facts read from its file do: a later run may start elsewhere."""
        key = os.path.abspath(path)
        facts = {name: found if found.path == key else replace(found, path=key) for name, found in facts.items()}
        self._modules[key] = facts
        self._names[key] = module
        self.index.parsed_functions.append((key, b"", (module, facts)))  # its digest is the check's to give

    def module_facts(self, module: str) -> dict[str, FunctionFacts]:
        location = self.index.locate(module)
        if location is None or location.path.suffix not in (".py", ".pyi"):
            return {}
        key = os.path.abspath(location.path)
        if key not in self._modules:
            self._modules[key] = {}  # a module that imports itself back sees nothing while in progress
            self._names[key] = module
            self.index.content_stamp(str(location.path))  # before reading: what the cache compares
            exchange, digest = self.index.exchange, self.index.digest(str(location.path))
            shared = self._known(key, module, digest)
            if shared is None and exchange is not None and digest:
                shared = exchange.get_functions(key, module, digest)
            if shared is None:
                shared = collect_function_facts(location.path, self.index, self.config)
                if exchange is not None and digest:
                    exchange.put_functions(key, module, digest, shared)
                if digest:
                    self.index.parsed_functions.append((key, digest, (module, shared)))
            self._modules[key] = shared
        return self._modules[key]

    def _known(self, key: str, module: str, digest: bytes) -> dict[str, FunctionFacts] | None:
        """Function facts from the result cache, while the module's content is the same."""
        known = self.index.known_functions.get(key)
        if known is None or not digest or known[0] != digest:
            return None
        stored = known[1]
        if isinstance(stored, bytes):
            stored = unpickle(stored)
        if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == module):
            return None
        facts = stored[1]
        if isinstance(facts, dict) and all(isinstance(value, FunctionFacts) for value in facts.values()):
            return facts
        return None

    def function(self, qualname: str, hops: int = 0) -> FunctionFacts | None:
        """The facts of a project function or method, by any name it is reachable under (re-exports are
        followed a bounded number of times: two modules may re-export a name from each other)."""
        if hops > _MAX_DEPTH:
            return None
        parts = qualname.split(".")
        for split in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:split])
            location = self.index.locate(module)
            if location is None:
                continue
            rest = parts[split:]
            own = self.index.name_of_file(location.path) if location.path.suffix in (".py", ".pyi") else module
            if own != module:  # reached under another name: its facts name it as its own check does
                return self.function(".".join([own, *rest]), hops + 1)
            if len(rest) == 2:  # `Class.method`: a method its class inherits is its base's
                owner = self.index.defining_class(f"{module}.{rest[0]}", rest[1])
                if owner is not None and owner != f"{module}.{rest[0]}":
                    return self.function(f"{owner}.{rest[1]}", hops + 1)
            if _names_no_function(self.index, module, rest):
                return None  # a class called, or a method no class of its bases defines: no parse needed to know
            found = self.module_facts(module).get(qualname)
            if found is not None:
                return found
            # `from app.services import ExportService` re-exported from app.services.export
            head = ".".join(parts[: split + 1])
            canonical = self.index.canonical(head)
            if canonical != head:
                return self.function(".".join([canonical, *parts[split + 1 :]]), hops + 1)
            return None
        return None

    def chain(self, qualname: str, depth: int = 0) -> Chain | None:
        """How calling this function blocks, or None when it does not (or cannot be known)."""
        facts = self.function(qualname)
        if facts is None:
            return None
        key = (os.path.abspath(facts.path), facts.qualname)
        if key not in self._chains:
            self._chains[key] = None  # cycles end here
            found: Chain | None = None
            if not facts.is_async and depth < _MAX_DEPTH:
                step = Step(facts.qualname, facts.path)
                if facts.blocking is not None:
                    found = Chain((step,), facts.blocking)
                else:
                    for callee in facts.calls:
                        inner = self.chain(callee, depth + 1)
                        if inner is not None:
                            found = Chain((step, *inner.steps), inner.blocking)
                            break
            self._chains[key] = found
        if depth == 0:
            self._record(qualname)
        return self._chains[key]

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
        """`OrderService.export (app/services/order.py)`: no line, so a baseline survives code moving."""
        return f"{self.short_name(step)} ({relative_posix(Path(step.path), self.config.root)})"

    def short_name(self, step: Step) -> str:
        """`OrderService.export`: the qualified name within its module."""
        module = self._names.get(os.path.abspath(step.path), "")
        return step.qualname[len(module) + 1 :] if module and step.qualname.startswith(module) else step.qualname


def _names_no_function(index: ProjectIndex, module: str, rest: list[str]) -> bool:
    """Whether the module's top-level facts show `rest` to be a class of it (not followed: its `__init__`
    is not looked into) or a method that neither its class nor a base defines."""
    facts = index.facts(module)
    found = facts.definition(f"{module}.{rest[0]}") if facts is not None else None
    if found is None or found.kind != "class":
        return False
    return len(rest) == 1 or (len(rest) == 2 and rest[1] not in found.methods)


# One call graph per project index, that is per run and configuration.
_GRAPHS: WeakKeyDictionary[ProjectIndex, CallGraph] = WeakKeyDictionary()


def call_graph(project: ProjectIndex, config: Config) -> CallGraph:
    """The project's call graph, shared by every file of a run and every rule that asks."""
    graph = _GRAPHS.get(project)
    if graph is None:
        graph = _GRAPHS[project] = CallGraph(project, config)
    return graph
