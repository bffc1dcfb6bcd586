"""Module facts read from CPython's tree: the same `ModuleFacts` as `facts.facts_of_tree`, about ten times
cheaper than a libcst parse, for modules that are read only for what they declare.

This is a second reading of the one definition of the facts (`symbols.py`), made statement for statement
as the context tracker makes it on libcst's tree when the module is read alone (no project index): the
same bindings for imports, assignments and aliases, the same signatures, members and products.
`tests/test_facts_ast.py` holds both readings to identical facts on every fixture and on fapcheck's own
source. A module CPython cannot parse (newer syntax than the running interpreter) is read with libcst.
"""

from __future__ import annotations

import ast
import builtins
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from fapcheck.semantic.kinds import (
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKER,
    SESSIONMAKERS,
    SYNC_ENGINE_TYPES,
)
from fapcheck.semantic.products_ast import dotted_ast, product_call_ast, yields_ast
from fapcheck.semantic.source import source_encoding, too_deep
from fapcheck.semantic.symbols import LOCAL, Binding, Definition, ModuleFacts, Param
from fapcheck.semantic.tables import (
    CALL_PRODUCTS,
    CLASS_OF_TYPES,
    CONTAINER_METHODS,
    CONTAINER_TYPES,
    COROUTINE_TYPES,
    DEPENDS_FUNCTIONS,
    DEPENDS_MARKER,
    FLUENT_TYPES,
    INSPECT_FUNCTIONS,
    INSPECTOR,
    ITERATOR_STEPS,
    MAX_BASES,
    MODEL_VALIDATORS,
    NEW_TYPE_FUNCTIONS,
    OVERLOAD_DECORATORS,
    PRODUCER_TYPES,
    PROPERTY_DECORATORS,
    REWRITING_METHODS,
    TYPE_ALIAS_TYPES,
    TYPE_VAR_FUNCTIONS,
    TYPE_WRAPPERS,
    UNINFORMATIVE_RETURNS,
    UNION_TYPES,
)

_BUILTINS = frozenset(dir(builtins))

_Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, slots=True)
class _Resolved:
    qualname: str
    instance: bool
    element: str | None = None


@dataclass(slots=True)
class _Frame:
    kind: Literal["module", "class", "function"]
    name: str
    qualname: str
    node: ast.AST | None
    bindings: dict[str, Binding] = field(default_factory=dict)
    attributes: dict[str, Binding] = field(default_factory=dict)
    bases: tuple[ast.expr, ...] = ()
    properties: set[str] = field(default_factory=set)


def module_facts(path: Path, source: bytes, module: str, is_package: bool, layer: str) -> ModuleFacts:
    """Facts of a module read for what it declares: from CPython's tree; from libcst's (a skeleton of the
    module) for syntax the running Python cannot parse; none for a module neither can read."""
    try:
        text: str | None = source.decode(source_encoding(source))
    except (SyntaxError, UnicodeDecodeError, LookupError):
        text = None
    if text is not None and "\0" not in text and too_deep(text, str(path)) is None:
        found = read_facts(text, module, is_package, layer, b"yield" in source)
        if found is not None:
            return found
    from fapcheck.semantic.facts import module_facts as from_libcst  # imports libcst: only for such a module

    return from_libcst(path, source, module, is_package, layer)


def read_facts(source: str, module: str, is_package: bool, layer: str, find_generators: bool) -> ModuleFacts | None:
    """The facts of a module from its text, or None when CPython cannot parse it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    reader = _Reader(module, is_package, layer, find_generators)
    reader.enter_module(tree)
    reader.walk(tree.body)
    names = tuple(sorted(reader.frames[0].bindings.items()))
    imports = tuple(dict.fromkeys(target for target, _ in reader.imports))
    stars = tuple(target for target, star in reader.imports if star)
    return ModuleFacts(module, layer, names, tuple(reader.definitions), imports, stars, reader.urls())


class _Reader:
    def __init__(self, module: str, is_package: bool, layer: str, find_generators: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.layer = layer
        self.find_generators = find_generators
        self.prefix = f"{module}." if module else ""
        self.frames: list[_Frame] = [_Frame("module", "<module>", "", None)]
        self.imports: list[tuple[str, bool]] = []  # (target, is a star import)
        self.definitions: list[Definition] = []
        self.classes: dict[str, _Frame] = {}
        self.top_defs: dict[str, _Function] = {}
        self._assigned: dict[str, str | None] = {}
        self._class_urls: list[tuple[str, str]] = []
        self._producing: set[int] = set()

    # ------------------------------------------------------------ scopes

    def lookup(self, name: str) -> Binding | None:
        innermost = len(self.frames) - 1
        for index in range(innermost, -1, -1):
            frame = self.frames[index]
            if frame.kind == "class" and index != innermost:
                continue
            binding = frame.bindings.get(name)
            if binding is not None:
                return binding
        return None

    def bind(self, name: str, binding: Binding) -> None:
        self.frames[-1].bindings[name] = binding

    def function(self) -> _Frame | None:
        for frame in reversed(self.frames):
            if frame.kind == "function":
                return frame
        return None

    def at_module_scope(self) -> _ModuleScope:
        return _ModuleScope(self)

    # ------------------------------------------------------------ names

    def resolve(self, node: ast.expr) -> _Resolved | None:
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
            return _Resolved(f"builtins.{node.value}", False)  # libcst's tree has names there
        if isinstance(node, ast.Name):
            binding = self.lookup(node.id)
            if binding is None:
                return _Resolved(f"builtins.{node.id}", False) if node.id in _BUILTINS else None
            if binding.kind == "local":
                return None
            return _Resolved(binding.qualname, binding.kind == "instance", binding.element)
        if isinstance(node, ast.Attribute):
            own = self._self_attribute(node) or self._path_binding(node)
            if own is not None:
                return own
            base = self.resolve(node.value)
            if base is None:
                return None
            if node.attr in FLUENT_TYPES.get(base.qualname, ()):
                return _Resolved(base.qualname, True)
            if base.instance:
                member = self.member_type(base.qualname, node.attr)
                if member is not None:
                    return _Resolved(member, True)
            return _Resolved(f"{base.qualname}.{node.attr}", False)
        if isinstance(node, ast.Call):
            return self.call_result(node)
        if isinstance(node, ast.Subscript):
            container = self.resolve(node.value)
            if container is not None and container.instance and container.element:
                return _Resolved(container.element, True)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = self.resolve(node.left)
            return left if left is not None and left.instance and left.qualname in FLUENT_TYPES else None
        return None

    def qualified_name(self, node: ast.expr) -> str | None:
        resolved = self.resolve(node)
        return resolved.qualname if resolved is not None else None

    def resolves_to(self, node: ast.expr, names: frozenset[str]) -> bool:
        resolved = self.resolve(node)
        return resolved is not None and not resolved.instance and resolved.qualname in names

    def _self_attribute(self, node: ast.Attribute) -> _Resolved | None:
        if not isinstance(node.value, ast.Name):
            return None
        function = self.function()
        if function is None or not isinstance(function.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        params = function.node.args.args
        if not params or params[0].arg != node.value.id or len(self.frames) < 3:
            return None
        owner = self.frames[self.frames.index(function) - 1]
        if owner.kind != "class":
            return None
        binding = owner.attributes.get(node.attr)
        if binding is None:
            inherited = self._inherited_member(owner, node.attr)
            return _Resolved(inherited, True) if inherited is not None else None
        if binding.kind != "instance":
            return None
        return _Resolved(binding.qualname, True, binding.element)

    def _path_binding(self, node: ast.Attribute) -> _Resolved | None:
        function = self.function()
        if function is None or not function.attributes:
            return None
        binding = function.attributes.get(dotted_ast(node))
        if binding is None or binding.kind != "instance" or not binding.qualname:
            return None
        return _Resolved(binding.qualname, True, binding.element)

    def member_type(self, type_name: str, attribute: str, depth: int = 0) -> str | None:
        own = self.classes.get(type_name)
        if own is None:
            return None
        binding = own.attributes.get(attribute)
        if binding is not None:
            return binding.qualname if binding.kind == "instance" and binding.qualname else None
        return self._inherited_member(own, attribute, depth)

    def _inherited_member(self, frame: _Frame, attribute: str, depth: int = 0) -> str | None:
        if depth > MAX_BASES:
            return None
        for base in frame.bases:
            resolved = self.resolve(base)
            if resolved is not None and not resolved.instance:
                found = self.member_type(resolved.qualname, attribute, depth + 1)
                if found is not None:
                    return found
        return None

    def is_project_name(self, qualname: str) -> bool:
        module = qualname.rpartition(".")[0]
        return bool(self.module) and (module == self.module or module.startswith(f"{self.module}."))

    def product_of(self, qualname: str) -> str | None:
        module, _, name = qualname.rpartition(".")
        if module != self.module or not self.module:
            return None
        binding = self.frames[0].bindings.get(name)
        if qualname in self.classes or (name not in self.top_defs and _is_class_binding(binding)):
            return qualname
        node = self.top_defs.get(name)
        if node is None:
            return None
        if binding is not None and binding.kind == "def" and binding.returns:
            return binding.returns
        with self.at_module_scope():
            return self.function_product(node)[0]

    def call_result(self, node: ast.Call) -> _Resolved | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in CONTAINER_METHODS:
            container = self.resolve(func.value)
            if container is not None and container.instance and container.element:
                if CONTAINER_METHODS[func.attr]:
                    return _Resolved(container.element, True)
                return container
        callee = self.resolve(func)
        if callee is None:
            return None
        product = CALL_PRODUCTS.get((callee.qualname, callee.instance))
        if product is None and callee.qualname in SESSIONMAKERS and self._makes_async_sessions(node):
            product = ASYNC_SESSIONMAKER
        if product is not None:
            return _Resolved(product, True)
        if callee.instance:
            return None if self.is_project_name(callee.qualname) else _Resolved(callee.qualname, True)
        if callee.qualname in INSPECT_FUNCTIONS and node.args:
            subject = self.resolve(node.args[0])
            if subject is not None and subject.instance and subject.qualname in SYNC_ENGINE_TYPES:
                return _Resolved(INSPECTOR, True)
            return None
        if callee.qualname in ITERATOR_STEPS and node.args:
            inner = self.resolve(node.args[0])
            return inner if inner is not None and inner.instance and inner.qualname not in ITERATOR_STEPS else None
        if callee.qualname in NEW_TYPE_FUNCTIONS and len(node.args) + len(node.keywords) >= 2:
            second = _argument(node, 1)
            alias = self.annotation_type(second) if second is not None else None
            return _Resolved(alias.qualname, True) if alias is not None else None
        if not self.is_project_name(callee.qualname):
            return _Resolved(callee.qualname, True)
        made = self.product_of(callee.qualname)
        return _Resolved(made, True) if made else None

    def _makes_async_sessions(self, call: ast.Call) -> bool:
        return any(
            keyword.arg == "class_" and self.qualified_name(keyword.value) in ASYNC_SESSION_CLASSES
            for keyword in call.keywords
        )

    def annotation_type(self, node: ast.expr | None) -> Binding | None:
        if node is None:
            return None
        if isinstance(node, ast.Subscript):
            base = self.qualified_name(node.value)
            elements = _elements(node.slice)
            if base in TYPE_WRAPPERS and elements:
                inner = self.annotation_type(elements[0])
                if inner is not None and base is not None and base.endswith("Annotated"):
                    declared = [p for p in map(self.declared_provider, elements[1:]) if p is not None]
                    provider = next((p for p in declared if p), declared[0] if declared else None)
                    if provider is not None:
                        return Binding(inner.kind, inner.qualname, provider)
                return inner
            if base in UNION_TYPES:
                return self._single_non_none(elements)
            position = CONTAINER_TYPES.get(base or "")
            if position is not None and elements:
                value = self.annotation_type(elements[position])
                if value is not None and base is not None:
                    return Binding("import", base, element=value.qualname)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._single_non_none([node.left, node.right])
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    parsed = ast.parse(node.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                return None
            return self.annotation_type(parsed)
        if isinstance(node, ast.Name):
            binding = self.lookup(node.id)
            if binding is not None and binding.kind == "import" and binding.depends is not None:
                return Binding("import", binding.qualname, binding.depends)
        resolved = self.resolve(node)
        if resolved is None or resolved.instance:
            return None
        return Binding("import", resolved.qualname)

    def _single_non_none(self, options: Sequence[ast.expr]) -> Binding | None:
        real = [o for o in options if not (isinstance(o, ast.Constant) and o.value is None)]
        return self.annotation_type(real[0]) if len(real) == 1 else None

    def produced_type(self, node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Subscript) and self.qualified_name(node.value) in CLASS_OF_TYPES:
            elements = _elements(node.slice)
            return self.produced_type(elements[0]) if elements else None
        if isinstance(node, ast.Subscript) and self.qualified_name(node.value) in PRODUCER_TYPES:
            elements = _elements(node.slice)
            if self.qualified_name(node.value) in COROUTINE_TYPES and len(elements) == 3:
                return self.produced_type(elements[2])
            return self.produced_type(elements[0]) if elements else None
        annotated = self.annotation_type(node)
        return annotated.qualname if annotated is not None else None

    def depends_provider(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Call):
            callee = self.resolve(node.func)
            if callee is None or callee.instance:
                return None
            if callee.qualname in DEPENDS_FUNCTIONS:
                first = _argument(node, 0)
                if first is None:
                    return ""
                return self.qualified_name(first) or ""
            if not self.is_project_name(callee.qualname):
                return None
            binding = self.binding_of(callee.qualname)
            if binding is not None and binding.kind == "def" and binding.returns is None:
                binding = self._own_def_product(binding)
            if binding is not None and binding.kind == "def" and binding.returns == DEPENDS_MARKER:
                return binding.depends
            return None
        if isinstance(node, (ast.Name, ast.Attribute)):
            binding = self._binding_of_expression(node)
            if binding is not None and binding.qualname == DEPENDS_MARKER and binding.kind == "instance":
                return binding.depends
        return None

    def declared_provider(self, node: ast.expr) -> str | None:
        provider = self.depends_provider(node)
        if provider is None and isinstance(node, ast.Call) and self.resolve(node.func) is None:
            return ""
        return provider

    def binding_of(self, qualname: str) -> Binding | None:
        module, _, name = qualname.rpartition(".")
        return self.frames[0].bindings.get(name) if module == self.module else None

    def _binding_of_expression(self, node: ast.expr) -> Binding | None:
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        qualname = self.qualified_name(node) if isinstance(node, ast.Attribute) else None
        return self.binding_of(qualname) if qualname else None

    def _own_def_product(self, binding: Binding) -> Binding:
        module, _, name = binding.qualname.rpartition(".")
        node = self.top_defs.get(name) if module == self.module else None
        if node is None:
            return binding
        with self.at_module_scope():
            returns, provider = self.function_product(node)
        return replace(binding, returns=returns, depends=provider) if returns else binding

    def function_product(self, node: _Function) -> tuple[str | None, str | None]:
        key = id(node)
        if key in self._producing:  # a recursive function: what it gives is what it gives
            return None, None
        self._producing.add(key)
        try:
            return self._function_product(node)
        finally:
            self._producing.discard(key)

    def _function_product(self, node: _Function) -> tuple[str | None, str | None]:
        annotated = self.produced_type(node.returns) if node.returns is not None else None
        if annotated is not None and annotated not in UNINFORMATIVE_RETURNS:
            return annotated, None
        call = product_call_ast(node.body)
        provider = self.depends_provider(call) if call is not None else None
        if provider is not None:
            return DEPENDS_MARKER, provider
        if annotated in (DEPENDS_MARKER, "fastapi.params.Security"):  # a marker whose provider is not known
            return DEPENDS_MARKER, ""
        if call is None:
            return annotated, None
        result = self.call_result(call)
        return (result.qualname if result is not None and result.instance else None), None

    # ------------------------------------------------------------ bindings

    def binding_for_value(self, value: ast.expr | None) -> Binding:
        if value is None:
            return LOCAL
        if isinstance(value, ast.Subscript):
            container = self.resolve(value.value)
            if container is not None and container.instance:  # `x = MAPPING[key]`: a value, not an alias
                return Binding("instance", container.element) if container.element else LOCAL
        if isinstance(value, ast.Subscript) or (isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr)):
            alias = self.annotation_type(value)
            return alias if alias is not None else LOCAL
        if isinstance(value, ast.Call):
            provider = self.depends_provider(value)
            if provider is not None:
                return Binding("instance", DEPENDS_MARKER, provider)
            if self.resolves_to(value.func, NEW_TYPE_FUNCTIONS) and len(value.args) + len(value.keywords) >= 2:
                second = _argument(value, 1)
                alias = self.annotation_type(second) if second is not None else None
                return alias if alias is not None else LOCAL
            if self.resolves_to(value.func, TYPE_VAR_FUNCTIONS):  # `S = TypeVar("S", bound=Session)`
                bound = next((k.value for k in value.keywords if k.arg == "bound"), None)
                alias = self.annotation_type(bound) if bound is not None else None
                return alias if alias is not None else LOCAL
        resolved = self.resolve(value)
        if resolved is None:
            return LOCAL
        return Binding("instance" if resolved.instance else "import", resolved.qualname)

    def bind_target(self, target: ast.expr, binding: Binding) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, binding)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, LOCAL)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, LOCAL)
        elif isinstance(target, ast.Attribute) and not self._bind_self_attribute(target, binding):
            function = self.function()
            path = dotted_ast(target)
            if function is not None and path:
                function.attributes[path] = binding

    def _bind_self_attribute(self, target: ast.Attribute, binding: Binding) -> bool:
        function = self.function()
        if function is None or not isinstance(function.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        params = function.node.args.args
        if not isinstance(target.value, ast.Name) or not params or params[0].arg != target.value.id:
            return False
        index = self.frames.index(function)
        if index > 0 and self.frames[index - 1].kind == "class":
            self.frames[index - 1].attributes[target.attr] = binding
            return True
        return False

    def assign(self, node: ast.Assign) -> None:
        binding = self.binding_for_value(node.value)
        for target in node.targets:
            self.bind_target(target, binding)

    def ann_assign(self, node: ast.AnnAssign) -> None:
        annotated = self.annotation_type(node.annotation)
        if self.qualified_name(node.annotation) in TYPE_ALIAS_TYPES:
            binding = self.binding_for_value(node.value)
        elif annotated is not None:
            provider = self.depends_provider(node.value) if node.value is not None else None
            depends = provider if provider is not None else annotated.depends
            binding = Binding("instance", annotated.qualname, depends, element=annotated.element)
        else:
            binding = self.binding_for_value(node.value)
        self.bind_target(node.target, binding)
        if self.frames[-1].kind == "class" and isinstance(node.target, ast.Name) and binding.kind == "instance":
            self.frames[-1].attributes[node.target.id] = binding

    def import_(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname is not None:
                self.bind(alias.asname, Binding("import", alias.name))
            else:
                head = alias.name.split(".", 1)[0]
                self.bind(head, Binding("import", head))
            self.imports.append((alias.name, False))

    def import_from(self, node: ast.ImportFrom) -> None:
        module = self.absolute_module(node)
        if any(alias.name == "*" for alias in node.names):
            self.imports.append((module, True))
            return
        for alias in node.names:
            local = alias.asname or alias.name
            qualname = f"{module}.{alias.name}" if module else alias.name
            self.bind(local, Binding("import", qualname))
            self.imports.append((f"{module}.{alias.name}", False))

    def absolute_module(self, node: ast.ImportFrom) -> str:
        module = node.module or ""
        if node.level == 0:
            return module
        package = self.module.split(".") if self.module else []
        if not self.is_package:
            package = package[:-1]
        if node.level - 1 > len(package):
            return ""
        base = package[: len(package) - (node.level - 1)]
        return ".".join([*base, module] if module else base)

    # ------------------------------------------------------------ the walk

    def enter_module(self, tree: ast.Module) -> None:
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = statement.name
                qualname = f"{self.module}.{name}" if self.module else name
                returns = qualname if isinstance(statement, ast.ClassDef) else None
                self.bind(name, Binding("def", qualname, returns=returns))
                if not isinstance(statement, ast.ClassDef):
                    self.top_defs[name] = statement

    def walk(self, body: Sequence[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, ast.Import):
                self.import_(statement)
            elif isinstance(statement, ast.ImportFrom):
                self.import_from(statement)
            elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for name, url in _assigned_urls(statement):
                    self._assigned[name] = None if name in self._assigned else url
                if isinstance(statement, ast.Assign):
                    self.assign(statement)
                elif isinstance(statement, ast.AnnAssign):
                    self.ann_assign(statement)
                else:
                    self.bind_target(statement.target, LOCAL)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not any(self.resolves_to(d, OVERLOAD_DECORATORS) for d in statement.decorator_list):
                    self.definitions.append(self.function_definition(statement))  # an `@overload` stub is none
            elif isinstance(statement, ast.ClassDef):
                self.definitions.append(self.class_definition(statement))
            elif isinstance(statement, ast.If):
                self.walk(statement.body)
                self.walk(statement.orelse)
            elif isinstance(statement, ast.Try):
                self.walk(statement.body)
                for handler in statement.handlers:
                    self.walk(handler.body)
                self.walk(statement.orelse)
                self.walk(statement.finalbody)
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                self.walk(statement.body)
            elif type(statement).__name__ == "TypeAlias":  # `type X = Y`, on Pythons that parse it
                alias_name, value = getattr(statement, "name", None), getattr(statement, "value", None)
                if isinstance(alias_name, ast.Name) and isinstance(value, ast.expr):
                    self.bind(alias_name.id, self.annotation_type(value) or LOCAL)

    def enter_function(self, node: _Function) -> None:
        outer = self.frames[-1]
        name = node.name
        qualname = f"{outer.qualname}.{name}" if outer.kind == "class" else name
        project_name = f"{self.module}.{qualname}" if self.module else qualname
        returns = self.produced_type(node.returns) if node.returns is not None else None
        self.bind(name, Binding("def", project_name, returns=returns))
        if outer.kind == "class" and any(self.qualified_name(d) in PROPERTY_DECORATORS for d in node.decorator_list):
            produced = returns or self.function_product(node)[0]
            outer.attributes[name] = Binding("instance", produced) if produced else LOCAL
            outer.properties.add(name)
        self.frames.append(_Frame("function", name, qualname, node))
        arguments = node.args
        for argument, default in _parameters(arguments):
            annotated = self.annotation_type(argument.annotation) if argument.annotation is not None else None
            provider = self.declared_provider(default) if default is not None else None
            if annotated is not None:
                binding = Binding(
                    "instance", annotated.qualname, provider or annotated.depends, element=annotated.element
                )
            else:
                binding = Binding("local", "", provider)
            self.bind(argument.arg, binding)
        for star in (arguments.vararg, arguments.kwarg):
            if star is not None:
                self.bind(star.arg, LOCAL)

    def leave(self) -> None:
        self.frames.pop()

    def signature(self, node: _Function, skip_first: bool = False) -> tuple[Param, ...]:
        self.enter_function(node)
        try:
            found: list[Param] = []
            for index, (argument, default) in enumerate(_parameters(node.args)):
                if skip_first and index == 0:
                    continue
                annotated = self.annotation_type(argument.annotation) if argument.annotation is not None else None
                provider = self.declared_provider(default) if default is not None else None
                if provider is None and annotated is not None:
                    provider = annotated.depends
                qualname = annotated.qualname if annotated is not None else None
                found.append(Param(argument.arg, qualname, provider, default is not None))
            return tuple(found)
        finally:
            self.leave()

    def function_definition(self, node: _Function) -> Definition:
        params = self.signature(node)
        returns, provider = self.function_product(node)
        binding = self.frames[0].bindings.get(node.name)
        if binding is not None and binding.kind == "def":
            self.frames[0].bindings[node.name] = replace(binding, returns=returns, depends=provider)
        return Definition(
            self.prefix + node.name,
            "function",
            self.layer,
            isinstance(node, ast.AsyncFunctionDef),
            self.find_generators and yields_ast(node.body),
            params,
            bases=self.decorators(node.decorator_list),
            returns=returns,
        )

    def decorators(self, decorators: Sequence[ast.expr]) -> tuple[str, ...]:
        names = [self.qualified_name(d) for d in decorators]
        names += [self.qualified_name(d.func) for d in decorators if isinstance(d, ast.Call)]
        return tuple(dict.fromkeys(name for name in names if name))

    def class_definition(self, node: ast.ClassDef) -> Definition:
        bases = [self.qualified_name(_class_base(base)) for base in node.bases]
        bases += self.decorators(node.decorator_list)
        outer = self.frames[-1]
        name = node.name
        project_name = f"{self.module}.{name}" if self.module else name
        self.bind(name, Binding("def", project_name, returns=project_name))
        qualname = f"{outer.qualname}.{name}" if outer.kind == "class" else name
        frame = _Frame("class", name, qualname, node, bases=tuple(_class_base(base) for base in node.bases))
        self.classes[f"{self.module}.{qualname}" if self.module else qualname] = frame
        self.frames.append(frame)
        params: tuple[Param, ...] = ()
        methods: list[str] = []
        try:
            for statement in node.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.append(statement.name)
                    if statement.name == "__init__":
                        params = self.signature(statement, skip_first=True)
                        self._bind_attributes(statement)
                    else:
                        self.enter_function(statement)
                        self.leave()
                elif isinstance(statement, ast.Assign):
                    self.assign(statement)
                elif isinstance(statement, ast.AnnAssign):
                    self.ann_assign(statement)
            self._class_urls += [
                (f"{name}.{field_name}", url)
                for statement in node.body
                if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                for field_name, url in _assigned_urls(statement)
                if url is not None and not self._rewritten(node.body, field_name)
            ]
        finally:
            self.leave()
        members = tuple(
            Param(member, binding.qualname or None, binding.depends)
            for member, binding in sorted(frame.attributes.items())
        )
        return Definition(
            self.prefix + name,
            "class",
            self.layer,
            params=params,
            bases=tuple(b for b in bases if b),
            methods=tuple(methods),
            properties=tuple(sorted(frame.properties)),
            members=members,
        )

    def _bind_attributes(self, init: _Function) -> None:
        self.enter_function(init)
        try:
            for statement in _statements(init.body):
                if isinstance(statement, ast.Assign):
                    self.assign(statement)
                elif isinstance(statement, ast.AnnAssign):
                    self.ann_assign(statement)
        finally:
            self.leave()

    def _rewritten(self, body: Sequence[ast.stmt], field_name: str) -> bool:
        for statement in body:
            if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if statement.name in REWRITING_METHODS:
                return True
            for decorator in statement.decorator_list:
                func = decorator.func if isinstance(decorator, ast.Call) else decorator
                args = (
                    [*decorator.args, *(k.value for k in decorator.keywords)] if isinstance(decorator, ast.Call) else []
                )
                named = {
                    arg.value for arg in args if isinstance(arg, ast.Constant) and isinstance(arg.value, (str, bytes))
                }
                if field_name in named or "*" in named or self.qualified_name(func) in MODEL_VALIDATORS:
                    return True
        return False

    def urls(self) -> tuple[tuple[str, str], ...]:
        constants = [(name, url) for name, url in self._assigned.items() if url is not None]
        return tuple([*constants, *self._class_urls])


class _ModuleScope:
    """Answers asked about a top-level definition are read in the module's own scope."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.frames: list[_Frame] = []

    def __enter__(self) -> None:
        self.frames = self.reader.frames
        self.reader.frames = self.frames[:1]

    def __exit__(self, *exc: object) -> None:
        self.reader.frames = self.frames


def _parameters(arguments: ast.arguments) -> Iterator[tuple[ast.arg, ast.expr | None]]:
    """Positional-only, ordinary and keyword-only parameters with their defaults, in order."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    yield from zip(positional, defaults, strict=True)
    yield from zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)


def _statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """A body's statements, in order, through if/try/with blocks (as the libcst reading walks them)."""
    for statement in body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            yield statement
        elif isinstance(statement, (ast.With, ast.AsyncWith, ast.If, ast.Try)):
            yield from _statements(statement.body)


def _elements(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.Tuple):
        return [element for element in node.elts if not isinstance(element, ast.Slice)]
    return [] if isinstance(node, ast.Slice) else [node]


def _argument(call: ast.Call, index: int) -> ast.expr | None:
    """The index-th argument as libcst orders them (positional, then keyword, in source order)."""
    arguments: list[ast.expr] = [*call.args, *(k.value for k in call.keywords)]
    ordered = sorted(arguments, key=lambda a: (a.lineno, a.col_offset))
    return ordered[index] if index < len(ordered) else None


def _class_base(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Subscript) else node


def _is_class_binding(binding: Binding | None) -> bool:
    return binding is not None and binding.kind == "def" and binding.returns == binding.qualname


def _assigned_urls(statement: ast.Assign | ast.AnnAssign | ast.AugAssign) -> list[tuple[str, str | None]]:
    value: ast.expr | None = None
    if isinstance(statement, ast.Assign):
        targets, value = list(statement.targets), statement.value
    else:
        targets = [statement.target]
        value = statement.value if isinstance(statement, ast.AnnAssign) else None
    literal = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    url = literal if literal is not None and len(targets) == 1 and "://" in literal else None
    return [(target.id, url) for target in targets if isinstance(target, ast.Name)]
