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

from fapcheck.semantic.context import FileContext
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.symbols import ModuleFacts

# Directories never walked for the project's Depends uses: not importable, or not the project's code.
_UNWALKED = frozenset({"node_modules", "__pycache__", "site-packages", "build", "dist", "venv", "env"})
_MAX_WALKED_FILES = 20_000
_MARKER_WORDS = (b"Depends", b"Security")
_BARE_MARKER = re.compile(rb"\b(?:Depends|Security)\(\s*\)")
# Per project index: the modules that mention a Depends marker, by source root, and what was found per provider.
_depends_texts: WeakKeyDictionary[ProjectIndex, dict[Path, tuple[tuple[str, str, bytes], ...]]] = WeakKeyDictionary()
_depends_users: WeakKeyDictionary[ProjectIndex, dict[tuple[Path, str], tuple[bool, tuple[str, ...]]]] = (
    WeakKeyDictionary()
)
# Per project index: the names each module's `Depends(...)`/`Security(...)` calls give, by file.
_depends_calls: WeakKeyDictionary[ProjectIndex, dict[str, tuple[str, ...]]] = WeakKeyDictionary()


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
                with open(path, "rb") as handle:
                    text = handle.read()
            except OSError:
                continue
            if any(word in text for word in _MARKER_WORDS):
                module = ".".join(relative if stem == "__init__" else (*relative, stem))
                found.append((path, module, text))
    return tuple(found)


def _names_in_depends(index: ProjectIndex, facts: ModuleFacts, target: str, bare: bool) -> bool:
    """Whether a module's top-level facts use `target` as a provider: a parameter's or class attribute's
    `Depends(target)`, an alias or marker bound to one, or, when the module's text holds a bare
    `Depends()` (`bare`), a parameter of type `target` whose provider is unnamed."""
    for _, binding in facts.names:
        if binding.depends and index.canonical(binding.depends) == target:
            return True
    for found in facts.definitions:
        for param in (*found.params, *found.members):
            # Facts give '' for a bare `Depends()` and for a provider they cannot name (`Depends(lambda: ...)`).
            named = param.depends or (param.type if bare and param.depends == "" else None)
            if named and index.canonical(named) == target:
                return True
    return False


def _named_in_depends_calls(index: ProjectIndex, path: str, facts: ModuleFacts, text: bytes, target: str) -> bool:
    """Whether any `Depends(target)` / `Security(target)` of a module's text names the provider, wherever
    it stands: `dependencies=[Depends(require_admin)]` on a route or a router, a function body. The
    arguments are resolved through the module's own top-level names, once per module and run."""
    known = _depends_calls.setdefault(index, {})
    if path not in known:
        known[path] = _depends_call_names(facts, text)
    return any(index.canonical(named) == target for named in known[path])


def _depends_call_names(facts: ModuleFacts, text: bytes) -> tuple[str, ...]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return ()
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and _called_name(node.func) in ("Depends", "Security"):
            named = _qualified(facts, node.args[0])
            if named is not None:
                names.append(named)
    return tuple(dict.fromkeys(names))


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
        texts = _depends_texts.setdefault(project, {})
        if root not in texts:
            texts[root] = _modules_naming_depends(root)
        name = target.rpartition(".")[2].encode()
        own = os.path.abspath(ctx.path)
        used = False
        for path, module, text in texts[root]:
            if path == own or name not in text:
                continue
            location = project.locate(module)
            facts = project.facts(module) if location is not None and str(location.path) == path else None
            if facts is None:
                continue
            if _names_in_depends(project, facts, target, _BARE_MARKER.search(text) is not None) or (
                _named_in_depends_calls(project, path, facts, text, target)
            ):
                used = True
                break
        known = answers[root, target] = (used, tuple(path for path, _, _ in texts[root] if path != own))
    for path in known[1]:
        project.depend_on_content(path)
    return known[0]
