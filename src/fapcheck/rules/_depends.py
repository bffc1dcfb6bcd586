"""What the Depends and session rules share: the audited type tables and the definition lookup.

A rule sees the file it checks through the tracker; for definitions it asks
the facts of this file (built once from its tree and shared by the rules) or,
for other modules, the project index.
"""

from __future__ import annotations

import builtins
import fnmatch
from dataclasses import replace
from pathlib import Path
from weakref import WeakKeyDictionary

import libcst as cst

from fapcheck.catalog import DEPENDENCY, REPOSITORY, SERVICE
from fapcheck.config import Config
from fapcheck.layers import compile_pattern, relative_posix
from fapcheck.rules.base import NodeFix, Report, Rule
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.facts import facts_of_tree
from fapcheck.semantic.kinds import (
    ENGINE_TYPES,
    SESSION_FACTORY_TYPES,
    SESSION_TYPES,
)
from fapcheck.semantic.providers import used_in_depends
from fapcheck.semantic.symbols import Definition, ModuleFacts

# Classes that hold data rather than behaviour, even when they live in a service module.
DATA_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic_settings.BaseSettings",
        "pydantic.BaseSettings",
        "sqlmodel.SQLModel",
        "typing.NamedTuple",
        "typing.TypedDict",
        "typing_extensions.TypedDict",
        "typing.Protocol",
        "typing_extensions.Protocol",
        "dataclasses.dataclass",
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.frozen",
        "msgspec.Struct",
        "sqlalchemy.orm.DeclarativeBase",
    }
) | frozenset(  # every built-in exception and warning class (`KeyError`, `UserWarning`, ...)
    f"builtins.{name}"
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)
_DATA_PREFIXES = ("enum.", "pydantic.")

_local_facts: WeakKeyDictionary[FileContext, ModuleFacts] = WeakKeyDictionary()


_generators: WeakKeyDictionary[FileContext, set[str]] = WeakKeyDictionary()
_providers: WeakKeyDictionary[FileContext, dict[int, str | None]] = WeakKeyDictionary()


def local_facts(ctx: FileContext, tree: cst.Module) -> ModuleFacts:
    """The facts of the file being checked, built from its tree once per file.

    Whether its functions yield is taken from the traversal (`note_yield`), not
    from a second walk of their bodies: providers are defined before use.
    """
    facts = _local_facts.get(ctx)
    if facts is None:
        facts = facts_of_tree(tree, ctx.path, ctx.module_name, ctx.is_package, ctx.layer, find_generators=False)
        _local_facts[ctx] = facts
    generators = _generators.get(ctx, set())
    if any(d.qualname in generators and not d.is_generator for d in facts.definitions):
        facts = replace(
            facts,
            definitions=tuple(
                replace(d, is_generator=d.is_generator or d.qualname in generators) for d in facts.definitions
            ),
        )
        _local_facts[ctx] = facts
    return facts


def note_yield(ctx: FileContext) -> None:
    """Record that the innermost function of the traversal yields (shared by the rules of a file)."""
    function = ctx.function
    if function is not None and function.kind == "function":
        name = f"{ctx.module_name}.{function.qualname}" if ctx.module_name else function.qualname
        _generators.setdefault(ctx, set()).add(name)


def depends_provider(ctx: FileContext, node: cst.Call) -> str | None:
    """`ctx.depends_provider`, computed once per call for all the rules of a file."""
    memo = _providers.setdefault(ctx, {})
    key = id(node)
    if key not in memo:
        memo[key] = ctx.depends_provider(node)
    return memo[key]


def definition(ctx: FileContext, tree: cst.Module | None, qualname: str) -> Definition | None:
    """The class or function `qualname` names, in this file or elsewhere in the project."""
    if not qualname:
        return None
    if tree is not None and qualname.rpartition(".")[0] == ctx.module_name:
        found = local_facts(ctx, tree).definition(qualname)
        if found is not None and ctx.project is not None:
            project = ctx.project
            return replace(found, params=tuple(project.resolved_param(p) for p in found.params))
        return found
    return ctx.project.definition(qualname) if ctx.project is not None else None


def is_data_class(ctx: FileContext, tree: cst.Module | None, found: Definition, depth: int = 0) -> bool:
    """A model, settings, enum, exception or dataclass: data, not a stateful service."""
    short = found.qualname.rpartition(".")[2]
    if short.endswith(("Error", "Exception")):
        return True
    for base in found.bases:
        if base in DATA_BASES or base.startswith(_DATA_PREFIXES) or base.endswith(("Error", "Exception")):
            return True
        parent = definition(ctx, tree, base) if depth < 3 else None
        if parent is not None and parent.kind == "class" and is_data_class(ctx, tree, parent, depth + 1):
            return True
    return False


def layer_class(ctx: FileContext, tree: cst.Module | None, qualname: str | None) -> Definition | None:
    """A stateful class of the service or repository layer, by qualified name."""
    if not qualname:
        return None
    found = definition(ctx, tree, qualname)
    if found is None or found.kind != "class" or found.layer not in (SERVICE, REPOSITORY):
        return None
    return None if is_data_class(ctx, tree, found) else found


def injectable_kind(ctx: FileContext, tree: cst.Module | None, type_name: str | None) -> str | None:
    """'session', 'service' or 'repository' when a parameter of this type must come from Depends."""
    if type_name is None:
        return None
    if type_name in SESSION_TYPES:
        return "session"
    found = layer_class(ctx, tree, type_name)
    return found.layer if found is not None else None


def opened_session(ctx: FileContext, tree: cst.Module | None, call: cst.Call) -> str | None:
    """What a call opens, when it opens a session or a connection itself."""
    func = call.func
    callee = ctx.resolve(func)
    if callee is not None and not callee.instance and ctx.project is not None:
        helper = definition(ctx, tree, callee.qualname)  # `with session_scope() as s`, `next(get_db())`
        # A helper that takes a session and gives one back passes on what its caller gave it (`same(s)`).
        if (
            helper is not None
            and helper.kind == "function"
            and helper.returns in SESSION_TYPES
            and not any(param.type in SESSION_TYPES for param in helper.params)
        ):
            return f"{short(helper.qualname)}()"
    if callee is not None:
        if callee.instance and callee.qualname in SESSION_FACTORY_TYPES:
            return "session factory"
        if not callee.instance and callee.qualname in SESSION_TYPES:
            return "session"
        owner, _, method = callee.qualname.rpartition(".")
        if not callee.instance and method == "begin" and owner in SESSION_FACTORY_TYPES:
            return "session factory"
    if not isinstance(func, cst.Attribute) or func.attr.value not in ("connect", "begin"):
        return None
    if ctx.instance_type(func.value) in ENGINE_TYPES:
        return "engine connection"
    return None


def allowed_own_session(ctx: FileContext, patterns: tuple[str, ...], root: Path) -> bool:
    """Whether `[tool.fapcheck.depends] allow-own-session` lists this file or an enclosing function."""
    if not patterns:
        return False
    names = [frame.name for frame in ctx.frames if frame.kind == "function"]
    for pattern in patterns:
        if "/" in pattern or pattern.endswith((".py", ".pyi")):
            if compile_pattern(pattern).match_file(relative_posix(Path(ctx.path), root)):
                return True
        elif any(fnmatch.fnmatchcase(name, pattern) for name in names):
            return True
    return False


def string_prefix(node: cst.BaseExpression) -> str | None:
    """The literal text a string expression starts with (f-strings up to their first field)."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        return string_prefix(node.left)
    if isinstance(node, cst.FormattedString):
        first = node.parts[0] if node.parts else None
        return first.value if isinstance(first, cst.FormattedStringText) else ""
    return None


class ProviderFunctions:
    """Which functions of the file being checked are `Depends` providers.

    A function or class is one when this file names it in `Depends(...)` (also in an `Annotated` alias or
    as the annotated class of a bare `Depends()`), or when another module of the project does
    (`used_in_depends`). The file's own uses are complete only at its end, so ask then.
    """

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.referenced: set[str] = set()  # providers named in Depends(...) in this file

    def note_param(self, param: cst.Param) -> str | None:
        """Record the provider a parameter declares (call for every parameter of a function entered)."""
        provider = param_provider(self.ctx, param)
        if provider == "" and param.annotation is not None:  # `x: Pagination = Depends()`
            annotated = self.ctx.annotation_type(param.annotation.annotation)
            if annotated is not None:
                self.referenced.add(annotated.qualname)
        return provider

    def note_call(self, node: cst.Call) -> str | None:
        provider = depends_provider(self.ctx, node)
        if provider:
            self.referenced.add(provider)
        elif provider == "" and node.args and isinstance(node.args[0].value, cst.Call):
            # `Depends(RoleChecker(["admin"]))`: FastAPI calls the instance, so the class's `__call__` provides.
            made = self.ctx.resolve(node.args[0].value.func)
            if made is not None and not made.instance:
                self.referenced.add(made.qualname)
        return provider

    def enclosing(self) -> tuple[tuple[str, str | None], ...]:
        """The functions around the current position, innermost first: (qualified name, the top-level
        function or class that another module could name in Depends for it, if any)."""
        ctx = self.ctx
        prefix = f"{ctx.module_name}." if ctx.module_name else ""
        found: list[tuple[str, str | None]] = []
        for depth, frame in enumerate(ctx.frames):
            if frame.kind != "function":
                continue
            key = prefix + frame.qualname
            outer = ctx.frames[depth - 1] if depth else None
            if depth == 1:
                found.append((key, key))
            elif depth == 2 and outer is not None and outer.kind == "class" and frame.name in _PROVIDING_METHODS:
                found.append((key, key.rpartition(".")[0]))
            else:
                found.append((key, None))
        return tuple(reversed(found))

    def is_local_provider(self, key: str) -> bool:
        owner, _, method = key.rpartition(".")
        return key in self.referenced or (method in _PROVIDING_METHODS and owner in self.referenced)

    def any_provider(self, enclosing: tuple[tuple[str, str | None], ...]) -> bool:
        """Whether code inside these functions (from `enclosing`) runs as part of a provider."""
        if any(self.is_local_provider(key) for key, _ in enclosing):
            return True
        return any(target is not None and used_in_depends(self.ctx, target) for _, target in enclosing)


# The methods FastAPI calls on a class used as a provider: the class itself, or an instance of it.
_PROVIDING_METHODS = ("__init__", "__call__")


class ProviderExempt(Rule):
    """A rule whose findings inside a `Depends` provider are dropped: a provider is dependency code wherever
    it lives. Findings are held until the end of the file, when its own uses of providers are known."""

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self.providers = ProviderFunctions(ctx)
        self._held: list[tuple[tuple[tuple[str, str | None], ...], cst.CSTNode, NodeFix | None, dict[str, object]]] = []

    def visit_Param(self, node: cst.Param) -> None:
        self.providers.note_param(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.providers.note_call(node)

    def report(self, node: cst.CSTNode, fix: NodeFix | None = None, **fields: object) -> None:
        self._held.append((self.providers.enclosing(), node, fix, fields))

    def leave_Module(self, original_node: cst.Module) -> None:
        for enclosing, node, fix, fields in self._held:
            if not enclosing or not self.providers.any_provider(enclosing):
                super().report(node, fix, **fields)


class ChainRule(Rule):
    """A rule about the dependency chain of one file.

    Whether a function is a dependency provider is known only at the end of
    the file (`Depends(get_repo)` may come after `def get_repo`), so findings
    inside functions are deferred with `defer` and kept for providers only.
    """

    # Also treat the public top-level functions of the dependency layer as providers.
    dependency_layer_provides = False

    def __init__(self, ctx: FileContext, config: Config, sink: list[Report]) -> None:
        super().__init__(ctx, config, sink)
        self.tree: cst.Module | None = None
        self.providers = ProviderFunctions(ctx)
        self.seen: set[str] = set()  # for rules that report a thing once per file
        self._pending: list[tuple[str, cst.CSTNode, dict[str, object]]] = []

    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node

    def function_key(self) -> str:
        """The project qualified name of the innermost function (nested ones by their own name)."""
        function = self.ctx.function
        name = function.qualname if function is not None else "<module>"
        return f"{self.ctx.module_name}.{name}" if self.ctx.module_name else name

    def note_function(self, node: cst.FunctionDef) -> None:
        """Record what the tracker knows of a function just entered (call from visit_FunctionDef)."""
        for param in [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]:
            self.providers.note_param(param)

    def visit_Yield(self, node: cst.Yield) -> None:
        note_yield(self.ctx)

    def note_call(self, node: cst.Call) -> str | None:
        return self.providers.note_call(node)

    def defer(self, node: cst.CSTNode, **fields: object) -> None:
        self._pending.append((self.function_key(), node, fields))

    def is_provider(self, key: str) -> bool:
        """Whether the function `key` of this file is a dependency provider: something hands it (or, for
        `__call__` and `__init__`, its class) to `Depends`/`Security`, in this module or another, or it is
        a public function of the dependency layer where the rule counts those. Taking a `Depends`
        parameter does not make a function one: called directly, it gets no value FastAPI resolved."""
        owner, _, method = key.rpartition(".")
        if self.providers.is_local_provider(key):
            return True
        target = owner if method in _PROVIDING_METHODS else key
        # Only a top-level function or class can be named in another module.
        if target.rpartition(".")[0] == self.ctx.module_name and used_in_depends(self.ctx, target):
            return True
        if self.dependency_layer_provides and self.ctx.layer == DEPENDENCY and self.tree is not None:
            found = local_facts(self.ctx, self.tree).definition(key)
            return found is not None and found.kind == "function" and not method.startswith("_")
        return False

    def is_generator(self, key: str) -> bool:
        """A top-level function of this file that yields (a `get_db`-style provider)."""
        if self.tree is None:
            return False
        found = local_facts(self.ctx, self.tree).definition(key)
        return found is not None and found.kind == "function" and found.is_generator

    def yields(self, key: str) -> bool:
        """Whether the function `key` of this file (a method or nested function too) has yielded so far."""
        return key in _generators.get(self.ctx, set())

    def keep(self, key: str) -> bool:
        """Whether a finding deferred in function `key` is reported: by default, in providers."""
        return self.is_provider(key)

    def leave_Module(self, original_node: cst.Module) -> None:
        for key, node, fields in self._pending:
            if self.keep(key):
                self.report(node, None, **fields)


def param_provider(ctx: FileContext, param: cst.Param) -> str | None:
    """The provider a parameter declares, by default `= Depends(f)` or `Annotated[T, Depends(f)]`."""
    if param.default is not None:
        provider = ctx.declared_provider(param.default)
        if provider is not None:
            return provider
    if param.annotation is not None:
        annotated = ctx.annotation_type(param.annotation.annotation)
        if annotated is not None:
            return annotated.depends
    return None


def param_declares_provider(ctx: FileContext, param: cst.Param) -> bool:
    """Whether a parameter declares a provider in any spelling; a call that cannot be resolved in its
    default may be a marker of a library fapcheck does not know, and counts as one."""
    if param_provider(ctx, param) is not None:
        return True
    default = param.default
    return isinstance(default, cst.Call) and ctx.declared_provider(default) is not None


def short(qualname: str) -> str:
    return qualname.rpartition(".")[2]
