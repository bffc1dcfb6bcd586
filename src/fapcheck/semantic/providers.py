"""Which top-level functions and classes other modules of the project use as `Depends` providers.

A module knows the providers it names itself; whether another module names one is a reverse lookup.
The project's modules that mention `Depends` or `Security` are found on the disk once per run (their
text only), and those that also mention the provider's name are confirmed by their facts. So the answer
does not depend on which files a run checks (pre-commit passes only the changed ones).
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from pathlib import Path
from weakref import WeakKeyDictionary

from fapcheck.reading import read_regular
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.index import ProjectIndex, Recorded
from fapcheck.semantic.symbols import ModuleFacts

# Directories never walked for the project's Depends uses: not importable, or not the project's code.
_UNWALKED = frozenset({"node_modules", "__pycache__", "site-packages", "build", "dist", "venv", "env"})
_MAX_WALKED_FILES = 20_000
_MARKER_WORDS = (b"Depends", b"Security")
_BARE_MARKER = re.compile(rb"\b(?:Depends|Security)\(\s*\)")
# Per project index: the modules that mention a Depends marker, by source root, and what was found per provider.
_depends_texts: WeakKeyDictionary[ProjectIndex, dict[Path, tuple[tuple[str, str, bytes], ...]]] = WeakKeyDictionary()
_depends_users: WeakKeyDictionary[ProjectIndex, dict[tuple[Path, str], tuple[bool, Recorded]]] = WeakKeyDictionary()
# Per project index: what each module names as providers, by file (None: not a module of the project).
_module_uses: WeakKeyDictionary[ProjectIndex, dict[str, tuple[Recorded, _ModuleUses | None]]] = WeakKeyDictionary()


def source_root(ctx: FileContext) -> Path | None:
    """The directory the module name of the file being checked is relative to, when it lies in the project."""
    if ctx.project is None or not ctx.module_name:
        return None
    root = Path(os.path.abspath(ctx.path)).parent
    for _ in range(ctx.module_name.count(".") + (1 if ctx.is_package else 0)):
        root = root.parent
    project_root = ctx.project.root
    return root if root == project_root or project_root in root.parents else None


def _modules_naming_depends(root: Path) -> tuple[tuple[str, str, bytes], ...]:
    """(path, module name, text) of every importable module under `root` that mentions Depends or Security."""
    found: list[tuple[str, str, bytes]] = []
    walked = 0
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d.isidentifier() and d not in _UNWALKED)
        relative = Path(directory).relative_to(root).parts
        for name in sorted(files):
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix != "py" or not stem.isidentifier():
                continue
            walked += 1
            if walked > _MAX_WALKED_FILES:
                return tuple(found)
            path = os.path.join(directory, name)
            try:
                text = read_regular(path)
            except OSError:
                continue
            if any(word in text for word in _MARKER_WORDS):
                module = ".".join(relative if stem == "__init__" else (*relative, stem))
                found.append((path, module, text))
    return tuple(found)


def _names_in_facts(index: ProjectIndex, facts: ModuleFacts, bare: bool) -> frozenset[str]:
    """The providers a module's top-level facts name: a parameter's or class attribute's `Depends(f)`, an
    alias or marker bound to one, or, when the module's text holds a bare `Depends()` (`bare`), the type of a
    parameter whose provider is unnamed; each as the project index spells it canonically."""
    named = [binding.depends for _, binding in facts.names if binding.depends]
    for found in facts.definitions:
        for param in (*found.params, *found.members):
            # Facts give '' for a bare `Depends()` and for a provider they cannot name (`Depends(lambda: ...)`).
            named.append(param.depends or (param.type if bare and param.depends == "" else None) or "")
    return frozenset(index.canonical(name) for name in named if name)


_DEPENDS_ARGUMENT = re.compile(rb"(?:Depends|Security)\(\s*(?:dependency\s*=\s*)?[\w.]*?(\w+)\s*[,()]")
_IMPORTED_AS = re.compile(rb"(\w+)\s+as\s+\w")
# Per project index, by module path: the last names of what its `Depends(...)` calls pass, with the names it
# imports under another; None when it has a bare `Depends()`, whose provider is an annotation of any name.
_named_by_text: WeakKeyDictionary[ProjectIndex, dict[str, frozenset[bytes] | None]] = WeakKeyDictionary()


def _may_name(project: ProjectIndex, path: str, text: bytes, name: str) -> bool:
    """Whether a module's text may name `name` as a provider: cheap and never short, so that the module's
    facts and calls need to be read only for the modules where it does."""
    by_path = _named_by_text.setdefault(project, {})
    if path not in by_path:
        named = None
        if not _BARE_MARKER.search(text):
            named = frozenset(_DEPENDS_ARGUMENT.findall(text)) | frozenset(_IMPORTED_AS.findall(text))
        by_path[path] = named
    encoded = name.encode()
    known = by_path[path]
    return encoded in text if known is None else encoded in known


class _ModuleUses:
    """What one module names as providers, read once per run: from its facts first, and from every
    `Depends(...)` / `Security(...)` call of its text (`dependencies=[Depends(require_admin)]` on a route
    or a router, a function body) only when the facts do not name the provider asked about. What reading
    it depended on (the module's text, the modules its names lead through) is recorded again for each
    file that asks, so each file's cached result knows it."""

    def __init__(self, index: ProjectIndex, facts: ModuleFacts, text: bytes, recorded: Recorded) -> None:
        self.index, self.facts, self.text, self.recorded = index, facts, text, recorded
        with index.capturing() as more:
            self.by_facts = _names_in_facts(index, facts, _BARE_MARKER.search(text) is not None)
        recorded.absorb(more)
        self._by_calls: frozenset[str] | None = None

    def names(self, target: str) -> bool:
        self.index.replay(self.recorded)
        if target in self.by_facts:
            return True
        if self._by_calls is None:
            with self.index.capturing() as more:
                named, instances = _depends_call_names(self.facts, self.text)  # through the module's own names
                # `Depends(AuthBearer())`: FastAPI calls the instance, so a class's `__call__` provides.
                classes = [name for name in instances if self._is_class(name)]
                self._by_calls = frozenset(self.index.canonical(name) for name in (*named, *classes))
            self.recorded.absorb(more)
        return target in self._by_calls

    def _is_class(self, name: str) -> bool:
        found = self.index.definition(name)
        return found is not None and found.kind == "class"


def _depends_call_names(facts: ModuleFacts, text: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the module's `Depends(...)`/`Security(...)` calls name: (callables passed, callables whose
    result is passed, `Depends(AuthBearer())`)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return (), ()
    names: list[str] = []
    made: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and _called_name(node.func) in ("Depends", "Security"):
            argument = node.args[0]
            named = _qualified(facts, argument.func if isinstance(argument, ast.Call) else argument)
            if named is not None:
                (made if isinstance(argument, ast.Call) else names).append(named)
    return tuple(dict.fromkeys(names)), tuple(dict.fromkeys(made))


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _qualified(facts: ModuleFacts, node: ast.expr) -> str | None:
    """`get_db` or `deps.get_db` as the module's top-level names resolve them."""
    if isinstance(node, ast.Name):
        binding = facts.name(node.id)
        if binding is None or binding.kind in ("local", "instance") or not binding.qualname:
            return None
        return binding.qualname
    if isinstance(node, ast.Attribute):
        head = _qualified(facts, node.value)
        return f"{head}.{node.attr}" if head is not None else None
    return None


def used_in_depends(ctx: FileContext, target: str) -> bool:
    """Whether another module of the project uses the top-level function or class `target` as a provider.

    The modules that mention `Depends` or `Security` and the provider's name are read from the disk (their
    text once per run) and confirmed by their facts, so the answer is the same when only the provider's
    module is checked, as pre-commit does. The result depends on those modules: each one is recorded for
    the result cache, so a change there (a use added or removed) re-checks the provider's module.
    """
    project = ctx.project
    root = source_root(ctx)
    if project is None or root is None:
        return False
    answers = _depends_users.setdefault(project, {})
    known = answers.get((root, target))
    if known is None:
        with project.capturing() as recorded:
            used = _used_in(project, root, target, os.path.abspath(ctx.path))
        known = answers[root, target] = (used, recorded)
    else:
        project.replay(known[1])
    return known[0]


def _used_in(project: ProjectIndex, root: Path, target: str, own: str) -> bool:
    texts = _depends_texts.setdefault(project, {})
    if root not in texts:
        texts[root] = _modules_naming_depends(root)
    for path, _, _ in texts[root]:
        if path != own:
            project.depend_on_content(path)  # a use added there, or removed, changes the answer
    name = target.rpartition(".")[2]
    modules = _module_uses.setdefault(project, {})
    for path, module, text in texts[root]:
        if path == own or not _may_name(project, path, text, name):
            continue
        if path not in modules:
            with project.capturing() as recorded:
                location = project.locate(module)
                facts = project.facts(module) if location is not None and str(location.path) == path else None
            modules[path] = (recorded, _ModuleUses(project, facts, text, recorded) if facts is not None else None)
        recorded, uses = modules[path]
        project.replay(recorded)
        if uses is not None and uses.names(target):
            return True
    return False
