"""What the rules know about the code around a node.

One tracker walks ahead of the rules in the single traversal: it keeps the
import table, a stack of scopes (module, class, function, lambda) with the
names bound in each, and for functions whether they are `async` and whether
they are FastAPI route handlers. Names are resolved through this table
rather than libcst's QualifiedNameProvider, which costs about 7x a parse.

Resolution is flow-insensitive within a scope only as far as the walk has
gone: a name is bound from the statement that binds it onwards.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, ItemsView, Iterator, Sequence, ValuesView
from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar, cast

import libcst as cst

from fapcheck.catalog import ROUTE_DECORATOR_METHODS
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.kinds import (
    ASYNC_SESSION_CLASSES,
    ASYNC_SESSIONMAKER,
    SESSIONMAKERS,
    SYNC_ENGINE_TYPES,
)
from fapcheck.semantic.products import product_call
from fapcheck.semantic.symbols import LOCAL, Binding
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
    NEW_TYPE_FUNCTIONS,
    PRODUCER_TYPES,
    PROPERTY_DECORATORS,
    TYPE_ALIAS_TYPES,
    TYPE_VAR_FUNCTIONS,
    TYPE_WRAPPERS,
    UNINFORMATIVE_RETURNS,
    UNION_TYPES,
)

BUILTIN_NAMES = frozenset(dir(builtins))

ROUTER_TYPES = frozenset(
    {
        "fastapi.FastAPI",
        "fastapi.APIRouter",
        "fastapi.applications.FastAPI",
        "fastapi.routing.APIRouter",
        # APIRouter subclasses of the class-based-view libraries (`@cbv(router)`)
        "fastapi_utils.inferring_router.InferringRouter",
        "fastapi_restful.inferring_router.InferringRouter",
    }
)
TYPE_CHECKING_NAMES = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})

FrameKind = Literal["module", "class", "function", "lambda"]


@dataclass(frozen=True, slots=True)
class Resolved:
    qualname: str
    instance: bool  # True: a value of type `qualname`; False: the object `qualname` itself
    element: str | None = None  # a container's value type, when known


class _PendingImport:
    """A name imported from a module: what it is there is asked of the project index on first use only,
    so the modules a file imports but never looks into are not read."""

    __slots__ = ("project", "qualname")

    def __init__(self, project: ProjectIndex, qualname: str) -> None:
        self.project = project
        self.qualname = qualname

    def resolve(self) -> Binding:
        return self.project.binding_for(self.qualname) or Binding("import", self.qualname)


class Bindings(dict[str, Binding]):
    """A scope's names; pending imports are resolved when read."""

    def pending(self, name: str, value: _PendingImport) -> None:
        dict.__setitem__(self, name, cast(Binding, value))

    def get(self, name: str, default: Binding | None = None) -> Binding | None:  # type: ignore[override]
        value: object = super().get(name)
        if value is None:
            return default
        if isinstance(value, _PendingImport):
            resolved = value.resolve()
            dict.__setitem__(self, name, resolved)
            return resolved
        return cast(Binding, value)

    def __getitem__(self, name: str) -> Binding:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def items(self) -> ItemsView[str, Binding]:  # type: ignore[override]
        for name in list(dict.keys(self)):
            self.get(name)
        return dict.items(self)

    def values(self) -> ValuesView[Binding]:  # type: ignore[override]
        for name in list(dict.keys(self)):
            self.get(name)
        return dict.values(self)


@dataclass(slots=True)
class Frame:
    kind: FrameKind
    name: str
    qualname: str
    node: cst.CSTNode | None
    is_async: bool = False
    is_route: bool = False
    is_startup: bool = False  # start-up or shutdown code (`lifespan`, `on_event("startup")`): serves no request
    bindings: Bindings = field(default_factory=Bindings)
    # self.<attr> types on class frames; attribute paths (`request.state.db`) on function frames
    attributes: dict[str, Binding] = field(default_factory=dict)
    bases: tuple[cst.BaseExpression, ...] = ()  # a class's base expressions, resolved when asked
    properties: set[str] = field(default_factory=set)  # a class's properties: reading one runs its getter


@dataclass(frozen=True, slots=True)
class ImportedName:
    """One name an import statement brings in, resolved to an absolute module path."""

    module: str  # the module the statement imports from (absolute, '' if unresolvable)
    name: str | None  # the imported name for `from m import name`; None for `import m`
    node: cst.CSTNode  # the ImportAlias, or the ImportFrom of a star import
    type_checking: bool

    @property
    def target(self) -> str:
        return f"{self.module}.{self.name}" if self.name else self.module


class FileContext:
    """Facts about the file and the current position in its traversal."""

    def __init__(
        self,
        path: str,
        layer: str,
        module_name: str,
        is_package: bool,
        project: ProjectIndex | None = None,
    ) -> None:
        self.path = path
        self.layer = layer
        self.module_name = module_name
        self.is_package = is_package
        self.project = project
        self.frames: list[Frame] = [Frame("module", "<module>", "", None)]
        self.imports: list[ImportedName] = []
        self._type_checking_blocks: set[int] = set()
        self._type_checking_depth = 0
        self._signature_depth = 0
        self._annotation_depth = 0
        self.classes: dict[str, Frame] = {}  # the classes of this file by qualified name, kept after the walk
        self._top_defs: dict[str, cst.FunctionDef] = {}  # top-level functions, for their products
        self._top_classes: dict[str, cst.ClassDef] = {}  # top-level classes, for their bases before the walk
        self._star_names: dict[str, Binding | None] = {}  # names found through star imports, by name
        # Functions registered without a decorator: `router.add_api_route("/x", f)`, `app.get("/x")(f)`
        # (name -> the receiver), and `FastAPI(lifespan=f)`.
        # (the receiver, or the annotation of the registering function's parameter it names)
        self._registered: dict[str, tuple[cst.BaseExpression, cst.BaseExpression | None]] = {}
        self._lifespans: set[str] = set()
        # Answers of the project index, asked again and again in one file: its first answer recorded what
        # the file depends on, so a memo per file is safe.
        self._project_packages: dict[str, bool] = {}
        self._members: dict[tuple[str, str], str | None] = {}
        self._producing: set[int] = set()  # the functions whose product is being read (recursion ends)
        # What `resolve` answered for each node since the walk last stepped in or out of a node: every rule
        # asks about the same calls and names, and the tracker's state only changes when the walk moves.
        self._resolved: dict[cst.BaseExpression, Resolved | None] = {}
        self._annotations: dict[cst.BaseExpression, Binding | None] = {}  # `annotation_type`'s, the same way
        self._providers: dict[cst.BaseExpression, str | None] = {}  # `depends_provider`'s, the same way

    # ------------------------------------------------------------ queries

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    @property
    def function(self) -> Frame | None:
        """The innermost enclosing function or lambda frame."""
        for frame in reversed(self.frames):
            if frame.kind in ("function", "lambda"):
                return frame
        return None

    @property
    def function_name(self) -> str:
        function = self.function
        return function.qualname if function is not None else "<module>"

    @property
    def in_async(self) -> bool:
        """True when code here runs on the event loop: the innermost scope is an `async def`."""
        frame = self.frames[-1]
        return frame.kind == "function" and frame.is_async

    @property
    def serves_requests(self) -> bool:
        """Code here runs on the event loop while requests wait: an `async def` that is not start-up code."""
        frame = self.frames[-1]
        return frame.kind == "function" and frame.is_async and not frame.is_startup

    @property
    def route_handler(self) -> Frame | None:
        for frame in reversed(self.frames):
            if frame.kind == "function" and frame.is_route:
                return frame
        return None

    @property
    def in_route_code(self) -> bool:
        return self.layer == "route" or self.route_handler is not None

    @property
    def in_type_checking(self) -> bool:
        return self._type_checking_depth > 0

    @property
    def in_signature(self) -> bool:
        """Inside a def's decorators or parameters (defaults too): run when the def runs, not its body."""
        return self._signature_depth > 0

    @property
    def in_annotation(self) -> bool:
        """Inside an annotation: evaluated with the def or the class at most, never in a body."""
        return self._annotation_depth > 0

    def lookup(self, name: str) -> Binding | None:
        innermost = len(self.frames) - 1
        for index in range(innermost, -1, -1):
            frame = self.frames[index]
            if frame.kind == "class" and index != innermost:
                continue  # class bodies are not enclosing scopes for their methods
            binding = frame.bindings.get(name)
            if binding is not None:
                return binding
        return self._star_binding(name)

    def _star_binding(self, name: str) -> Binding | None:
        """A name this file has only through `from m import *` of project modules: the last such import that
        binds it wins, as Python runs them top-down; one under `if TYPE_CHECKING:` binds nothing."""
        if name.startswith("_") or self.project is None or not self.imports:
            return None
        if name not in self._star_names:
            found = None
            for item in reversed(self.imports):
                if item.name is not None or item.type_checking or not isinstance(item.node, cst.ImportFrom):
                    continue
                facts = self.project.facts(item.module) if self.is_project_name(item.module) else None
                if facts is not None and facts.name(name) is not None:
                    found = _PendingImport(self.project, f"{item.module}.{name}").resolve()
                    break
            self._star_names[name] = found
        return self._star_names[name]

    def binding_of(self, qualname: str) -> Binding | None:
        """The binding of a module-level name by qualified name: this file's, else the project index's."""
        module, _, name = qualname.rpartition(".")
        if module == self.module_name:
            return self.frames[0].bindings.get(name)
        return self.project.binding_for(qualname) if self.project is not None else None

    def resolve(self, node: cst.BaseExpression) -> Resolved | None:
        """Resolve an expression to the qualified name of what it is, or of its type."""
        return self._remembered(self._resolved, node, self._resolve)

    def _remembered(self, memo: dict[cst.BaseExpression, _V], node: cst.BaseExpression, work: Callable[..., _V]) -> _V:
        """`work(node)`, remembered in `memo` until the walk moves; not inside a recursion guard, where
        answers depend on where the question came from."""
        if self._producing:
            return work(node)
        if node in memo:
            return memo[node]
        found = memo[node] = work(node)
        return found

    def _resolve(self, node: cst.BaseExpression) -> Resolved | None:
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            if binding is None:
                return Resolved(f"builtins.{node.value}", False) if node.value in BUILTIN_NAMES else None
            if binding.kind == "local":
                return None
            return Resolved(binding.qualname, binding.kind == "instance", binding.element)
        if isinstance(node, cst.Attribute):
            self_type = self._self_attribute(node) or self._path_binding(node)
            if self_type is not None:
                return self_type
            base = self.resolve(node.value)
            if base is None:
                return None
            if node.attr.value in FLUENT_TYPES.get(base.qualname, ()):  # Path.cwd, path.parent
                return Resolved(base.qualname, True)
            if base.instance or self._is_class(base.qualname):  # `Trade.session`: a class attribute too
                member = self.member_type(base.qualname, node.attr.value)
                if member is not None:
                    return Resolved(member, True)
            qualname = f"{base.qualname}.{node.attr.value}"
            if self.project is not None and not base.instance:
                known = self.project.binding_for(qualname)
                if known is not None and known.kind == "instance":
                    return Resolved(known.qualname, True)
                if known is not None and known.kind == "import" and known.qualname and known.depends is None:
                    return Resolved(known.qualname, False)  # `kinds.DbSession`: what the module re-exports
            return Resolved(qualname, False)
        if isinstance(node, cst.Call):
            return self._call_result(node)
        if isinstance(node, cst.Await) and isinstance(node.expression, cst.Call):
            # `await make_session()` of a project `async def` gives what it declares or returns.
            callee = self.resolve(node.expression.func)
            if callee is not None and not callee.instance and self.is_project_name(callee.qualname):
                return self._call_result(node.expression)
            return None
        if isinstance(node, cst.Subscript):  # `CLIENTS[name]`: a value of the container
            container = self.resolve(node.value)
            if container is not None and container.instance and container.element:
                return Resolved(container.element, True)
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            left = self.resolve(node.left)
            return left if left is not None and left.instance and left.qualname in FLUENT_TYPES else None
        return None

    def _call_result(self, node: cst.Call) -> Resolved | None:
        """What calling something gives: a session from a session factory, an instance of a class, what a
        project function returns; a library callable's result is named after the callable (`boto3.client`).
        A project callable whose product cannot be known gives nothing: unknown stays unknown."""
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in CONTAINER_METHODS:
            container = self.resolve(func.value)
            if container is not None and container.instance and container.element:
                if CONTAINER_METHODS[func.attr.value]:  # `.get(key)`: one value
                    return Resolved(container.element, True)
                return container  # `.values()`: the values, still a container of them
        callee = self.resolve(node.func)
        if callee is None:
            return None
        product = CALL_PRODUCTS.get((callee.qualname, callee.instance))
        if product is None and callee.qualname in SESSIONMAKERS and _makes_async_sessions(self, node):
            product = ASYNC_SESSIONMAKER
        if product is not None:
            return Resolved(product, True)
        if callee.instance:  # calling a value: `Path.home()` gives a path; a project object, unknown
            return None if self.is_project_name(callee.qualname) else Resolved(callee.qualname, True)
        if callee.qualname in INSPECT_FUNCTIONS and node.args:  # `inspect(engine)` questions the database
            subject = self.resolve(node.args[0].value)
            if subject is not None and subject.instance and subject.qualname in SYNC_ENGINE_TYPES:
                return Resolved(INSPECTOR, True)
            return None  # an ORM object or class: its state or mapper, no I/O
        if callee.qualname in ITERATOR_STEPS and node.args:  # `next(get_db())`: what the generator yields
            inner = self.resolve(node.args[0].value)
            return inner if inner is not None and inner.instance and inner.qualname not in ITERATOR_STEPS else None
        if callee.qualname in NEW_TYPE_FUNCTIONS and len(node.args) >= 2:
            alias = self.annotation_type(node.args[1].value)  # `UserId(5)` is what its NewType wraps
            return Resolved(alias.qualname, True) if alias is not None else None
        if not self.is_project_name(callee.qualname):
            return Resolved(callee.qualname, True)
        made = self.product_of(callee.qualname)
        return Resolved(made, True) if made else None

    def is_project_name(self, qualname: str) -> bool:
        """Whether a qualified name is defined in this project (this file included); without a project
        index (module facts are read alone), only this file's names are."""
        module = qualname.rpartition(".")[0]
        if self.module_name and (module == self.module_name or module.startswith(f"{self.module_name}.")):
            return True
        if self.project is None:
            return False
        package = qualname.partition(".")[0]
        known = self._project_packages.get(package)
        if known is None:
            known = self._project_packages[package] = self.project.is_project_name(package)
        return known

    def product_of(self, qualname: str) -> str | None:
        """What calling a project callable gives: its class, or the type its function returns; None when
        that cannot be known."""
        module, _, name = qualname.rpartition(".")
        if module == self.module_name and self.module_name:
            if qualname in self.classes or (name not in self._top_defs and self._is_own_class(name)):
                return qualname
            node = self._top_defs.get(name)
            if node is None:
                return None
            binding = self.frames[0].bindings.get(name)
            if binding is not None and binding.kind == "def" and binding.returns:
                return binding.returns
            return self._at_module_scope(lambda: self.function_product(node))[0]
        if self.project is None:
            return None
        return self.project.product_of(qualname)

    def _is_own_class(self, name: str) -> bool:
        binding = self.frames[0].bindings.get(name)
        return binding is not None and binding.kind == "def" and binding.returns == binding.qualname

    def _at_module_scope(self, work: Callable[[], _T]) -> _T:
        """Answer a question about a top-level definition as its own scope sees it, wherever the walk is."""
        frames, memos = self.frames, (self._resolved, self._annotations, self._providers)
        self.frames = frames[:1]
        self._resolved, self._annotations, self._providers = {}, {}, {}
        try:
            return work()
        finally:
            self.frames = frames
            self._resolved, self._annotations, self._providers = memos

    def function_product(self, node: cst.FunctionDef) -> tuple[str | None, str | None]:
        """(the type a function returns or yields, the provider of the `Depends(...)` it returns), from its
        return annotation or, without one, from the call its body returns or yields (`products.py`)."""
        key = id(node)
        if key in self._producing:  # a recursive function: what it gives is what it gives
            return None, None
        self._producing.add(key)
        try:
            return self._function_product(node)
        finally:
            self._producing.discard(key)

    def _function_product(self, node: cst.FunctionDef) -> tuple[str | None, str | None]:
        annotated = self.produced_type(node.returns.annotation) if node.returns is not None else None
        if annotated is not None and annotated not in UNINFORMATIVE_RETURNS:
            return annotated, None
        call = product_call(node.body)
        provider = self.depends_provider(call) if call is not None else None
        if provider is not None:
            return DEPENDS_MARKER, provider
        if annotated in (DEPENDS_MARKER, "fastapi.params.Security"):  # a marker whose provider is not known
            return DEPENDS_MARKER, ""
        if call is None:
            return annotated, None
        result = self._call_result(call)
        return (result.qualname if result is not None and result.instance else None), None

    def member_type(self, type_name: str, attribute: str, depth: int = 0) -> str | None:
        """The type of an attribute or property of a project class, its bases' included."""
        own = self.classes.get(type_name)
        if own is not None:
            binding = own.attributes.get(attribute)
            if binding is not None:
                return binding.qualname if binding.kind == "instance" and binding.qualname else None
            return self._inherited_member(own, attribute, depth)
        if self.project is None or depth > MAX_BASES or not self.is_project_name(type_name):
            return None
        key = (type_name, attribute)
        if key not in self._members:
            self._members[key] = self.project.member_type(type_name, attribute)
        return self._members[key]

    def property_getter(self, type_name: str, attribute: str, depth: int = 0) -> str | None:
        """The getter that reading `attribute` of a project class's instance runs, if it is a property."""
        own = self.classes.get(type_name)
        if own is not None:
            if attribute in own.properties:
                return f"{type_name}.{attribute}"
            if attribute in own.attributes or depth > MAX_BASES:
                return None
            for base in self.class_bases(own):
                found = self.property_getter(base, attribute, depth + 1)
                if found is not None:
                    return found
            return None
        if self.project is None or not self.is_project_name(type_name):
            return None
        owner = self.project.property_owner(type_name, attribute)
        return f"{owner}.{attribute}" if owner is not None else None

    def _inherited_member(self, frame: Frame, attribute: str, depth: int = 0) -> str | None:
        if depth > MAX_BASES:
            return None
        for base in self.class_bases(frame):
            found = self.member_type(base, attribute, depth + 1)
            if found is not None:
                return found
        return None

    def class_bases(self, frame: Frame) -> list[str]:
        """The qualified names of a class's bases, read in the scope around the class."""
        names = []
        for base in frame.bases:
            resolved = self.resolve(base)
            if resolved is not None and not resolved.instance:
                names.append(resolved.qualname)
        return names

    def member_name(self, node: cst.Attribute) -> str | None:
        """The qualified name of what an attribute expression names, whatever it holds: `Settings.URL` for
        `settings.URL` where `settings` is a `Settings`, `app.config.URL` for `config.URL`."""
        base = self.resolve(node.value)
        return f"{base.qualname}.{node.attr.value}" if base is not None else None

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        resolved = self.resolve(node)
        return resolved.qualname if resolved is not None else None

    def resolves_to(self, node: cst.BaseExpression, names: frozenset[str] | set[str]) -> bool:
        resolved = self.resolve(node)
        return resolved is not None and not resolved.instance and resolved.qualname in names

    def instance_type(self, node: cst.BaseExpression) -> str | None:
        """The qualified type name of a value expression, when known."""
        resolved = self.resolve(node)
        return resolved.qualname if resolved is not None and resolved.instance else None

    def annotation_type(self, node: cst.BaseExpression | None) -> Binding | None:
        """The type an annotation names, seen through Annotated/Optional/`X | None` and aliases."""
        if node is None:
            return None
        return self._remembered(self._annotations, node, self._annotation_type)

    def _annotation_type(self, node: cst.BaseExpression) -> Binding | None:
        if isinstance(node, cst.Subscript):
            base = self.qualified_name(node.value)
            elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            if base in TYPE_WRAPPERS and elements:
                inner = self.annotation_type(elements[0])
                if inner is not None and base.endswith("Annotated"):
                    declared = [p for p in map(self.declared_provider, elements[1:]) if p is not None]
                    provider = next((p for p in declared if p), declared[0] if declared else None)
                    if provider is not None:
                        return Binding(inner.kind, inner.qualname, provider)
                return inner
            if base in UNION_TYPES:
                return self._single_non_none([*elements])
            position = CONTAINER_TYPES.get(base or "")
            if position is not None and elements:
                value = self.annotation_type(elements[position])
                if value is not None and base is not None:
                    return Binding("import", base, element=value.qualname)
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._single_non_none([node.left, node.right])
        if isinstance(node, cst.SimpleString):
            try:
                parsed = cst.parse_expression(node.evaluated_value if isinstance(node.evaluated_value, str) else "")
            except cst.ParserSyntaxError:
                return None
            return self.annotation_type(parsed)
        if isinstance(node, cst.Name):
            binding = self.lookup(node.value)
            if binding is not None and binding.kind == "import" and binding.depends is not None:
                return Binding("import", binding.qualname, binding.depends)
        elif isinstance(node, cst.Attribute) and self.project is not None:
            qualname = self.qualified_name(node)  # `deps.SessionDep`: an alias in another project module
            alias = self.project.binding_for(qualname) if qualname else None
            if alias is not None and alias.kind == "import" and alias.depends is not None:
                return Binding("import", alias.qualname, alias.depends)
        resolved = self.resolve(node)
        if resolved is None or resolved.instance:
            return None
        return Binding("import", resolved.qualname)

    def produced_type(self, node: cst.BaseExpression | None) -> str | None:
        """The type a function annotated `-> node` hands out: `Session` for `Iterator[Session]` too, and
        `APIRouter` for `type[APIRouter]` (calling what a class factory returns gives one)."""
        if isinstance(node, cst.Subscript) and self.qualified_name(node.value) in CLASS_OF_TYPES:
            elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            return self.produced_type(elements[0]) if elements else None
        if isinstance(node, cst.Subscript) and self.qualified_name(node.value) in PRODUCER_TYPES:
            elements = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
            if self.qualified_name(node.value) in COROUTINE_TYPES and len(elements) == 3:
                return self.produced_type(elements[2])
            return self.produced_type(elements[0]) if elements else None
        annotated = self.annotation_type(node)
        return annotated.qualname if annotated is not None else None

    def _single_non_none(self, options: Sequence[cst.BaseExpression]) -> Binding | None:
        real = [o for o in options if not (isinstance(o, cst.Name) and o.value == "None")]
        return self.annotation_type(real[0]) if len(real) == 1 else None

    def depends_provider(self, node: cst.BaseExpression) -> str | None:
        """The provider a `Depends` marker names, in every spelling: `Depends(provider)` / `Security(...)`
        ('' when bare: the annotated class provides itself), a name bound to one (`Provide =
        Depends(get_order_service)`), or a call of a project function that returns one
        (`def DbSession(): return Depends(get_db)`). None when `node` is no marker."""
        return self._remembered(self._providers, node, self._depends_provider)

    def _depends_provider(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Call):
            callee = self.resolve(node.func)
            if callee is None or callee.instance:
                return None
            if callee.qualname in DEPENDS_FUNCTIONS:
                if not node.args:
                    return ""
                return self.qualified_name(node.args[0].value) or ""
            if not self.is_project_name(callee.qualname):
                return None  # a library call: no project function that hands out a marker
            binding = self.binding_of(callee.qualname)
            if binding is not None and binding.kind == "def" and binding.returns is None:
                binding = self._own_def_product(binding)
            if binding is not None and binding.kind == "def" and binding.returns == DEPENDS_MARKER:
                return binding.depends
            return None
        if isinstance(node, (cst.Name, cst.Attribute)):
            binding = self._binding_of_expression(node)
            if binding is not None and binding.qualname == DEPENDS_MARKER and binding.kind == "instance":
                return binding.depends
        return None

    def declared_provider(self, node: cst.BaseExpression) -> str | None:
        """Like `depends_provider`, for a parameter's default or `Annotated` metadata: a call that cannot be
        resolved may be a marker of a library fapcheck does not know, so it counts as provided ('')."""
        provider = self.depends_provider(node)
        if provider is None and isinstance(node, cst.Call) and self.resolve(node.func) is None:
            return ""
        return provider

    def _binding_of_expression(self, node: cst.BaseExpression) -> Binding | None:
        if isinstance(node, cst.Name):
            return self.lookup(node.value)
        qualname = self.qualified_name(node) if isinstance(node, cst.Attribute) else None
        return self.binding_of(qualname) if qualname else None

    def _own_def_product(self, binding: Binding) -> Binding:
        """A top-level function of this file not yet walked: its product, read from its body."""
        module, _, name = binding.qualname.rpartition(".")
        node = self._top_defs.get(name) if module == self.module_name else None
        if node is None:
            return binding
        returns, provider = self._at_module_scope(lambda: self.function_product(node))
        return replace(binding, returns=returns, depends=provider) if returns else binding

    def _is_class(self, qualname: str) -> bool:
        """A class of this file or of a project module (not a function, module or value)."""
        if qualname in self.classes:
            return True
        module, _, name = qualname.rpartition(".")
        if module == self.module_name and self.module_name:
            return name in self._top_classes
        if self.project is None or not self.is_project_name(qualname):
            return False
        found = self.project.definition(qualname)
        return found is not None and found.kind == "class"

    def self_type(self, node: cst.BaseExpression) -> str | None:
        """The class of a method's first parameter (`self`) when `node` names it, else None."""
        owner = self._first_parameter_owner(node)
        function = self.function
        if owner is None or function is None or not isinstance(function.node, cst.FunctionDef):
            return None
        if any(
            isinstance(d.decorator, cst.Name) and d.decorator.value in ("staticmethod", "classmethod")
            for d in function.node.decorators
        ):
            return None  # a static or class method's first parameter is no instance
        return f"{self.module_name}.{owner.qualname}" if self.module_name else owner.qualname

    def _first_parameter_owner(self, node: cst.BaseExpression) -> Frame | None:
        """The class whose method we are in, when `node` names the method's first parameter."""
        if not isinstance(node, cst.Name):
            return None
        function = self.function
        if function is None or not isinstance(function.node, cst.FunctionDef) or len(self.frames) < 3:
            return None
        params = function.node.params.params
        if not params or params[0].name.value != node.value:
            return None
        owner = self.frames[self.frames.index(function) - 1]
        return owner if owner.kind == "class" else None

    def _self_attribute(self, node: cst.Attribute) -> Resolved | None:
        owner = self._first_parameter_owner(node.value)
        if owner is None:
            return None
        binding = owner.attributes.get(node.attr.value)
        if binding is None:
            inherited = self._inherited_member(owner, node.attr.value)
            return Resolved(inherited, True) if inherited is not None else None
        if binding.kind != "instance":
            return None
        return Resolved(binding.qualname, True, binding.element)

    # ------------------------------------------------------------ tracking

    def bind(self, name: str, binding: Binding) -> None:
        self.frames[-1].bindings[name] = binding

    def binding_for_value(self, value: cst.BaseExpression | None) -> Binding:
        if value is None:
            return LOCAL
        if isinstance(value, cst.Subscript):
            container = self.resolve(value.value)
            if container is not None and container.instance:  # `x = MAPPING[key]`: a value, not an alias
                return Binding("instance", container.element) if container.element else LOCAL
        if isinstance(value, cst.Subscript) or (
            isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.BitOr)
        ):
            alias = self.annotation_type(value)
            return alias if alias is not None else LOCAL
        if isinstance(value, cst.Call):
            provider = self.depends_provider(value)
            if provider is not None:  # `Provide = Depends(get_order_service)`
                return Binding("instance", DEPENDS_MARKER, provider)
            if self.resolves_to(value.func, NEW_TYPE_FUNCTIONS) and len(value.args) >= 2:
                alias = self.annotation_type(value.args[1].value)  # `WriteSession = NewType("W", ReadSession)`
                return alias if alias is not None else LOCAL
            if self.resolves_to(value.func, TYPE_VAR_FUNCTIONS):  # `S = TypeVar("S", bound=Session)`
                bound = next(
                    (a.value for a in value.args if a.keyword is not None and a.keyword.value == "bound"), None
                )
                alias = self.annotation_type(bound) if bound is not None else None
                return alias if alias is not None else LOCAL
        resolved = self.resolve(value)
        if resolved is None:
            return LOCAL
        return Binding("instance" if resolved.instance else "import", resolved.qualname)

    def bind_target(self, target: cst.BaseExpression, binding: Binding) -> None:
        if isinstance(target, cst.Name):
            self.bind(target.value, binding)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind_target(element.value, LOCAL)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, LOCAL)
        elif isinstance(target, cst.Attribute) and not self._bind_self_attribute(target, binding):
            self._bind_path(target, binding)

    def _bind_self_attribute(self, target: cst.Attribute, binding: Binding) -> bool:
        function = self.function
        if (
            function is None
            or not isinstance(function.node, cst.FunctionDef)
            or not isinstance(target.value, cst.Name)
            or not function.node.params.params
            or function.node.params.params[0].name.value != target.value.value
        ):
            return False
        index = self.frames.index(function)
        if index > 0 and self.frames[index - 1].kind == "class":
            self.frames[index - 1].attributes[target.attr.value] = binding
            return True
        return False

    def _bind_path(self, target: cst.Attribute, binding: Binding) -> None:
        """`request.state.db = Session()`: what an attribute path holds, for the rest of the function."""
        function = self.function
        path = _dotted(target)
        if function is not None and path:
            function.attributes[path] = binding

    def _path_binding(self, node: cst.Attribute) -> Resolved | None:
        function = self.function
        if function is None or not function.attributes:
            return None
        binding = function.attributes.get(_dotted(node))
        if binding is None or binding.kind != "instance" or not binding.qualname:
            return None
        return Resolved(binding.qualname, True, binding.element)

    def absolute_module(self, relative: cst.ImportFrom) -> str:
        """The absolute module of a `from ... import` statement ('' when it cannot be known)."""
        module = _dotted(relative.module) if relative.module is not None else ""
        level = len(relative.relative)
        if level == 0:
            return module
        package = self.module_name.split(".") if self.module_name else []
        if not self.is_package:
            package = package[:-1]
        if level - 1 > len(package):
            return ""
        base = package[: len(package) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def _forget(self) -> None:
        """The walk moved: what was remembered about expressions may no longer hold."""
        self._resolved, self._annotations, self._providers = {}, {}, {}

    def enter(self, node: cst.CSTNode) -> None:
        if self._resolved or self._annotations or self._providers:
            self._forget()
        handler = _ENTER.get(type(node))
        if handler is not None:
            handler(self, node)
            # What the handler asked was answered before it bound names or opened a scope.
            if self._resolved or self._annotations or self._providers:
                self._forget()
        elif id(node) in self._type_checking_blocks:
            self._type_checking_depth += 1

    def leave(self, node: cst.CSTNode) -> None:
        if self._resolved or self._annotations or self._providers:
            self._forget()
        handler = _LEAVE.get(type(node))
        if handler is not None:
            handler(self, node)
            if self._resolved or self._annotations or self._providers:
                self._forget()
        elif id(node) in self._type_checking_blocks:
            self._type_checking_depth -= 1

    def _enter_signature(self, node: cst.CSTNode) -> None:
        self._signature_depth += 1

    def _leave_signature(self, node: cst.CSTNode) -> None:
        self._signature_depth -= 1

    def _enter_annotation(self, node: cst.CSTNode) -> None:
        self._annotation_depth += 1

    def _leave_annotation(self, node: cst.CSTNode) -> None:
        self._annotation_depth -= 1

    def _pop_frame(self, node: cst.CSTNode) -> None:
        self.frames.pop()

    # per-node-type bookkeeping

    def _enter_module(self, node: cst.Module) -> None:
        # Function bodies run after the whole module has run: later top-level
        # functions and classes are visible in them.
        for statement in node.body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                name = statement.name.value
                qualname = f"{self.module_name}.{name}" if self.module_name else name
                # A class's product is itself; a function's is read from it when first asked.
                self.bind(
                    name, Binding("def", qualname, returns=qualname if isinstance(statement, cst.ClassDef) else None)
                )
                if isinstance(statement, cst.FunctionDef):
                    self._top_defs[name] = statement
                else:
                    self._top_classes[name] = statement
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._note_registration(small)
        for statement in node.body:  # `def mount(app: FastAPI): app.get("/x")(handler)`
            if isinstance(statement, cst.FunctionDef):
                annotations = {
                    param.name.value: param.annotation.annotation
                    for param in statement.params.params
                    if param.annotation is not None
                }
                for small in _simple_statements(statement.body):
                    self._note_registration(small, annotations)

    def _note_registration(
        self, statement: cst.BaseSmallStatement, annotations: dict[str, cst.BaseExpression] | None = None
    ) -> None:
        """Statements that make a top-level function a route handler or start-up code without a decorator:
        at the top level, or in a top-level function given the app or router as an annotated parameter."""
        value = statement.value if isinstance(statement, (cst.Expr, cst.Assign, cst.AnnAssign)) else None
        if not isinstance(value, cst.Call):
            return
        func = value.func
        positional = [arg.value for arg in value.args if arg.keyword is None and not arg.star]
        if isinstance(func, cst.Attribute) and func.attr.value in REGISTRATION_METHODS and len(positional) >= 2:
            if isinstance(positional[1], cst.Name):  # `router.add_api_route("/items", list_items)`
                self._registered[positional[1].value] = (func.value, _annotation_of(func.value, annotations))
        elif isinstance(func, cst.Attribute) and func.attr.value == "add_event_handler" and len(positional) >= 2:
            if isinstance(positional[1], cst.Name):  # `app.add_event_handler("startup", connect)`
                self._lifespans.add(positional[1].value)
        elif (
            isinstance(func, cst.Call)
            and isinstance(func.func, cst.Attribute)
            and func.func.attr.value in ROUTE_DECORATOR_METHODS
            and positional
            and isinstance(positional[0], cst.Name)
        ):  # `app.get("/items")(list_items)`
            receiver = func.func.value
            self._registered[positional[0].value] = (receiver, _annotation_of(receiver, annotations))
        for arg in value.args:  # `FastAPI(lifespan=lifespan)`
            if arg.keyword is not None and arg.keyword.value == "lifespan" and isinstance(arg.value, cst.Name):
                self._lifespans.add(arg.value.value)

    def _enter_function(self, node: cst.FunctionDef) -> None:
        outer = self.frames[-1]
        name = node.name.value
        qualname = f"{outer.qualname}.{name}" if outer.kind == "class" else name
        project_name = f"{self.module_name}.{qualname}" if self.module_name else qualname
        returns = self.produced_type(node.returns.annotation) if node.returns is not None else None
        self.bind(name, Binding("def", project_name, returns=returns))
        if outer.kind == "class" and any(
            self.qualified_name(d.decorator) in PROPERTY_DECORATORS for d in node.decorators
        ):
            produced = returns or self.function_product(node)[0]
            outer.attributes[name] = Binding("instance", produced) if produced else LOCAL
            outer.properties.add(name)
        is_route = any(self._is_route_decorator(d.decorator) for d in node.decorators)
        registered = self._registered.get(name) if outer.kind == "module" else None
        if registered is not None and not is_route:
            expression, annotation = registered
            if annotation is not None:
                annotated = self.annotation_type(annotation)
                receiver = annotated.qualname if annotated is not None else None
            else:
                receiver = self.instance_type(expression)
            is_route = receiver is not None and self.is_router_type(receiver)
        startup = outer.kind == "module" and name in self._lifespans
        startup = startup or any(self._is_startup_decorator(d.decorator) for d in node.decorators)
        frame = Frame("function", name, qualname, node, node.asynchronous is not None, is_route, startup)
        self.frames.append(frame)
        self._bind_params(node.params)

    def _bind_params(self, params: cst.Parameters) -> None:
        all_params = [*params.posonly_params, *params.params, *params.kwonly_params]
        for param in all_params:
            annotated = self.annotation_type(param.annotation.annotation) if param.annotation else None
            provider = self.declared_provider(param.default) if param.default is not None else None
            if annotated is not None:
                binding = Binding(
                    "instance", annotated.qualname, provider or annotated.depends, element=annotated.element
                )
            else:
                binding = Binding("local", "", provider)
            self.bind(param.name.value, binding)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.bind(star.name.value, LOCAL)

    def _enter_yield(self, node: cst.Yield) -> None:
        """An unannotated generator provider: remember the type of what it yields."""
        function = self.function
        if function is None or function.kind != "function" or isinstance(node.value, cst.From) or node.value is None:
            return
        index = self.frames.index(function)
        outer = self.frames[index - 1].bindings
        binding = outer.get(function.name)
        if binding is not None and binding.kind == "def" and binding.returns is None:
            produced = self.instance_type(node.value)
            if produced is not None:
                outer[function.name] = replace(binding, returns=produced)

    def _enter_lambda(self, node: cst.Lambda) -> None:
        self.frames.append(Frame("lambda", "<lambda>", f"{self.function_name}.<lambda>", node))
        self._bind_params(node.params)

    def _enter_class(self, node: cst.ClassDef) -> None:
        outer = self.frames[-1]
        name = node.name.value
        project_name = f"{self.module_name}.{name}" if self.module_name else name
        self.bind(name, Binding("def", project_name, returns=project_name))
        qualname = f"{outer.qualname}.{name}" if outer.kind == "class" else name
        bases = tuple(class_base(arg.value) for arg in node.bases if arg.keyword is None)
        frame = Frame("class", name, qualname, node, bases=bases)
        self.classes[f"{self.module_name}.{qualname}" if self.module_name else qualname] = frame
        self.frames.append(frame)

    def _is_startup_decorator(self, decorator: cst.BaseExpression) -> bool:
        """`@app.on_event("startup")` / `("shutdown")` on a FastAPI app or router."""
        if not isinstance(decorator, cst.Call) or not isinstance(decorator.func, cst.Attribute):
            return False
        if decorator.func.attr.value != "on_event":
            return False
        receiver = self.instance_type(decorator.func.value)
        return receiver is not None and self.is_router_type(receiver)

    def _is_route_decorator(self, decorator: cst.BaseExpression) -> bool:
        if not isinstance(decorator, cst.Call) or not isinstance(decorator.func, cst.Attribute):
            return False
        if decorator.func.attr.value not in ROUTE_DECORATOR_METHODS:
            return False
        receiver = self.instance_type(decorator.func.value)
        return receiver is not None and self.is_router_type(receiver)

    def is_router_type(self, qualname: str) -> bool:
        """FastAPI/APIRouter, or a project class derived from one (`class UserAPIRouter(APIRouter)`)."""
        return self.derives_from(qualname, ROUTER_TYPES)

    def derives_from(self, qualname: str, classes: frozenset[str] | set[str], depth: int = 0) -> bool:
        """Whether a class is one of `classes` or derives from one, through the bases of this file's
        classes and of project classes in any module (`class NotFound(AppError)`, `AppError(HTTPException)`
        two modules away)."""
        if qualname in classes:
            return True
        if depth > MAX_BASES:
            return False
        module = qualname.rpartition(".")[0]
        known = qualname in self.classes or (module == self.module_name and bool(self.module_name))
        if not known and (self.project is None or not self.module_name or not self.is_project_name(qualname)):
            return False
        return any(self.derives_from(base, classes, depth + 1) for base in self._direct_bases(qualname))

    def library_bases(self, qualname: str, depth: int = 0) -> list[str]:
        """The bases outside the project a project class derives from, nearest first (`redis.Redis` for
        `class Cache(BaseCache)` where `BaseCache(redis.Redis)` is in another module)."""
        if depth > MAX_BASES:
            return []
        found: list[str] = []
        for base in self._direct_bases(qualname):
            if self.is_project_name(base):
                found.extend(self.library_bases(base, depth + 1))
            else:
                found.append(base)
        return found

    def defines_method(self, qualname: str, method: str) -> bool:
        """Whether a project class, or a project class among its bases, defines `method` itself."""
        own = self.classes.get(qualname)
        if own is not None and own.node is not None and isinstance(own.node, cst.ClassDef):
            if any(isinstance(item, cst.FunctionDef) and item.name.value == method for item in own.node.body.body):
                return True
            return any(self.is_project_name(b) and self.defines_method(b, method) for b in self.class_bases(own))
        if self.project is None or not self.is_project_name(qualname):
            return False
        return self.project.defining_class(qualname, method) is not None

    def _direct_bases(self, qualname: str) -> list[str]:
        own = self.classes.get(qualname)
        if own is not None:
            return self.class_bases(own)
        module, _, name = qualname.rpartition(".")
        if module == self.module_name and self.module_name:
            node = self._top_classes.get(name)
            return self._at_module_scope(lambda: self._bases_of(node)) if node is not None else []
        found = self.project.definition(qualname) if self.project is not None else None
        return list(found.bases) if found is not None and found.kind == "class" else []

    def _bases_of(self, node: cst.ClassDef) -> list[str]:
        resolved = (self.resolve(arg.value) for arg in node.bases if arg.keyword is None)
        return [base.qualname for base in resolved if base is not None and not base.instance]

    def imports_of(self, node: cst.Import | cst.ImportFrom) -> list[ImportedName]:
        """The names the given import statement brought in (the tracker has just seen it)."""
        wanted = {id(alias) for alias in node.names} if not isinstance(node.names, cst.ImportStar) else {id(node)}
        return [item for item in self.imports[-len(wanted) :] if id(item.node) in wanted]

    def _enter_import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(alias.asname.name.value, Binding("import", dotted))
            else:
                head = dotted.split(".", 1)[0]
                self.bind(head, Binding("import", head))
            self.imports.append(ImportedName(dotted, None, alias, self.in_type_checking))

    def _enter_import_from(self, node: cst.ImportFrom) -> None:
        module = self.absolute_module(node)
        if isinstance(node.names, cst.ImportStar):
            self.imports.append(ImportedName(module, None, node, self.in_type_checking))
            return
        for alias in node.names:
            name = _dotted(alias.name)
            local = (
                alias.asname.name.value
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name)
                else name
            )
            qualname = f"{module}.{name}" if module else name
            if self.project is not None:
                self.frames[-1].bindings.pending(local, _PendingImport(self.project, qualname))
            else:
                self.bind(local, Binding("import", qualname))
            self.imports.append(ImportedName(module, name, alias, self.in_type_checking))

    def _bind_assign(self, node: cst.Assign) -> None:
        binding = self.binding_for_value(node.value)
        for target in node.targets:
            self.bind_target(target.target, binding)

    def _bind_ann_assign(self, node: cst.AnnAssign) -> None:
        annotated = self.annotation_type(node.annotation.annotation)
        if _is_type_alias_annotation(self, node.annotation.annotation):
            binding = self.binding_for_value(node.value)
        elif annotated is not None:
            # `session: Session = Depends(get_db)` in a class-based view: provided like a parameter
            provider = self.depends_provider(node.value) if node.value is not None else None
            depends = provider if provider is not None else annotated.depends
            binding = Binding("instance", annotated.qualname, depends, element=annotated.element)
        else:
            binding = self.binding_for_value(node.value)
        self.bind_target(node.target, binding)
        if self.frames[-1].kind == "class" and isinstance(node.target, cst.Name) and binding.kind == "instance":
            self.frames[-1].attributes[node.target.value] = binding

    def _enter_type_alias(self, node: cst.TypeAlias) -> None:
        alias = self.annotation_type(node.value)
        self.bind(node.name.value, alias or LOCAL)

    def _bind_aug_assign(self, node: cst.AugAssign) -> None:
        self.bind_target(node.target, LOCAL)

    def _enter_for(self, node: cst.For) -> None:
        container = self.resolve(node.iter)  # `for repo in repos`: each is a value of the container
        element = container.element if container is not None and container.instance else None
        self.bind_target(node.target, Binding("instance", element) if element else LOCAL)

    def _enter_comp_for(self, node: cst.CompFor) -> None:
        self.bind_target(node.target, LOCAL)

    def _enter_with_item(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.bind_target(node.asname.name, self.binding_for_value(node.item))

    def _enter_except(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.bind(node.name.name.value, LOCAL)

    def _bind_named_expr(self, node: cst.NamedExpr) -> None:
        self.bind_target(node.target, self.binding_for_value(node.value))

    def _enter_global(self, node: cst.Global | cst.Nonlocal) -> None:
        for item in node.names:
            self.bind(item.name.value, LOCAL)

    def _enter_if(self, node: cst.If) -> None:
        test = node.test
        if self.qualified_name(test) in TYPE_CHECKING_NAMES or (
            isinstance(test, cst.Name) and test.value == "TYPE_CHECKING"
        ):
            self._type_checking_blocks.add(id(node.body))


REGISTRATION_METHODS = frozenset({"add_api_route", "add_api_websocket_route"})
_T = TypeVar("_T")
_V = TypeVar("_V")


def _annotation_of(
    receiver: cst.BaseExpression, annotations: dict[str, cst.BaseExpression] | None
) -> cst.BaseExpression | None:
    """The annotation of the registering function's parameter a receiver names, if any."""
    if annotations is None or not isinstance(receiver, cst.Name):
        return None
    return annotations.get(receiver.value)


def _simple_statements(block: cst.BaseSuite) -> Iterator[cst.BaseSmallStatement]:
    """A body's small statements, through if/try/with blocks (not nested functions or classes)."""
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            yield from statement.body
        elif isinstance(statement, (cst.If, cst.With, cst.Try, cst.For, cst.While)):
            yield from _simple_statements(statement.body)


def class_base(node: cst.BaseExpression) -> cst.BaseExpression:
    """The class a base expression names: `RepositoryGeneric` for `RepositoryGeneric[Schema, Model]`."""
    return node.value if isinstance(node, cst.Subscript) else node


def _makes_async_sessions(ctx: FileContext, call: cst.Call) -> bool:
    """`sessionmaker(class_=AsyncSession)` is an async session factory."""
    return any(
        arg.keyword is not None
        and arg.keyword.value == "class_"
        and ctx.qualified_name(arg.value) in ASYNC_SESSION_CLASSES
        for arg in call.args
    )


def _is_type_alias_annotation(ctx: FileContext, annotation: cst.BaseExpression) -> bool:
    return ctx.qualified_name(annotation) in TYPE_ALIAS_TYPES


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


_ENTER: dict[type[cst.CSTNode], Callable[[FileContext, cst.CSTNode], None]] = {
    cst.Module: FileContext._enter_module,  # type: ignore[dict-item]
    cst.FunctionDef: FileContext._enter_function,  # type: ignore[dict-item]
    cst.Lambda: FileContext._enter_lambda,  # type: ignore[dict-item]
    cst.ClassDef: FileContext._enter_class,  # type: ignore[dict-item]
    cst.Import: FileContext._enter_import,  # type: ignore[dict-item]
    cst.ImportFrom: FileContext._enter_import_from,  # type: ignore[dict-item]
    cst.TypeAlias: FileContext._enter_type_alias,  # type: ignore[dict-item]
    cst.For: FileContext._enter_for,  # type: ignore[dict-item]
    cst.CompFor: FileContext._enter_comp_for,  # type: ignore[dict-item]
    cst.WithItem: FileContext._enter_with_item,  # type: ignore[dict-item]
    cst.ExceptHandler: FileContext._enter_except,  # type: ignore[dict-item]
    cst.ExceptStarHandler: FileContext._enter_except,  # type: ignore[dict-item]
    cst.Global: FileContext._enter_global,  # type: ignore[dict-item]
    cst.Nonlocal: FileContext._enter_global,  # type: ignore[dict-item]
    cst.If: FileContext._enter_if,  # type: ignore[dict-item]
    cst.Yield: FileContext._enter_yield,  # type: ignore[dict-item]
    cst.Decorator: FileContext._enter_signature,
    cst.Parameters: FileContext._enter_signature,
    cst.Annotation: FileContext._enter_annotation,
}

# Assignments bind when left, so the value is seen with the bindings from before it.
_LEAVE: dict[type[cst.CSTNode], Callable[[FileContext, cst.CSTNode], None]] = {
    cst.FunctionDef: FileContext._pop_frame,
    cst.Lambda: FileContext._pop_frame,
    cst.ClassDef: FileContext._pop_frame,
    cst.Assign: FileContext._bind_assign,  # type: ignore[dict-item]
    cst.AnnAssign: FileContext._bind_ann_assign,  # type: ignore[dict-item]
    cst.AugAssign: FileContext._bind_aug_assign,  # type: ignore[dict-item]
    cst.NamedExpr: FileContext._bind_named_expr,  # type: ignore[dict-item]
    cst.Decorator: FileContext._leave_signature,
    cst.Parameters: FileContext._leave_signature,
    cst.Annotation: FileContext._leave_annotation,
}
