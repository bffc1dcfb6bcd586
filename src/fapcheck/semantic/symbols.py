"""What names and modules are, as plain data: what the project index and the result cache hold.

Kept free of libcst, so that the cache can read stored facts without importing the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


def _by_fields(self: Any) -> tuple[type, tuple[object, ...]]:
    """Pickled as a call of the class with its fields, in order: a frozen slots dataclass's own
    `__setstate__` looks its fields up for every object (facts go through pickle between the worker
    processes of a run and into the result cache)."""
    return type(self), tuple(getattr(self, name) for name in self.__slots__)


BindingKind = Literal["import", "instance", "def", "local"]


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name refers to.

    import: the object with that qualified name (a module, function, class);
    instance: a value whose type has that qualified name;
    def: a function or class defined in this file (qualified name in the project);
    local: anything else (shadows builtins and imports, resolves to nothing).
    """

    kind: BindingKind
    qualname: str = ""
    depends: str | None = None  # provider of an Annotated[..., Depends(provider)] alias or parameter
    returns: str | None = None  # def: the type it returns, or yields (generators, context managers)
    element: str | None = None  # a container (`dict[str, Client]`, `list[Repo]`): the type of its values

    __reduce__ = _by_fields


LOCAL = Binding("local")


DefinitionKind = Literal["class", "function"]


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str | None = None  # qualified name of the annotated type, seen through Annotated/Optional
    depends: str | None = None  # provider of `Depends(...)` in the default or the annotation ('' if bare)
    has_default: bool = False

    __reduce__ = _by_fields


@dataclass(frozen=True, slots=True)
class Definition:
    """A top-level class or function of a module."""

    qualname: str
    kind: DefinitionKind
    layer: str
    is_async: bool = False
    is_generator: bool = False  # a function whose own body yields
    params: tuple[Param, ...] = ()  # a class: those of its `__init__`, without `self`
    bases: tuple[str, ...] = ()  # a class: qualified names of its bases and decorators; a function: decorators
    methods: tuple[str, ...] = ()  # a class: names of the functions it defines
    properties: tuple[str, ...] = ()  # a class: which of them are properties (reading one runs it)
    returns: str | None = None  # a function: the type it returns, or yields (`Iterator[Session]` -> Session)
    # a class: its attributes and properties with the type each holds (`self.repo = repo`, `db: Session =
    # Depends(get_db)`, `@property def users(self) -> UserRepo`), `depends` set where a Depends provides it
    members: tuple[Param, ...] = ()

    __reduce__ = _by_fields

    @property
    def uses_depends(self) -> bool:
        return any(p.depends is not None for p in self.params)


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    module: str
    layer: str
    names: tuple[tuple[str, Binding], ...] = ()  # module-level name -> what it is, as this module sees it
    definitions: tuple[Definition, ...] = ()
    imports: tuple[str, ...] = ()  # qualified targets of its imports
    star_imports: tuple[str, ...] = ()  # modules it imports everything from (`from .base import *`)
    # URL string literals a name holds for good: a module constant bound once, or a class attribute's
    # default that no validator of its class rewrites (`("Settings.DATABASE_URL", "sqlite:///app.db")`).
    urls: tuple[tuple[str, str], ...] = ()

    __reduce__ = _by_fields

    def url(self, name: str) -> str | None:
        return next((value for key, value in self.urls if key == name), None)

    def name(self, name: str) -> Binding | None:
        for key, binding in self.names:
            if key == name:
                return binding
        return None

    def definition(self, qualname: str) -> Definition | None:
        for definition in self.definitions:
            if definition.qualname == qualname:
                return definition
        return None


@dataclass(frozen=True, slots=True)
class FunctionFacts:
    """What one function does, as far as blocking goes. Frozen and picklable, so it can be cached."""

    qualname: str  # module.Class.method
    is_async: bool
    path: str
    blocking: str | None = None  # the first direct blocking call, as written for a reader: 'requests.post()'
    calls: tuple[str, ...] = ()  # qualified names of the callables it calls directly, in order
    # Where to find the `def` and the blocking call again, without lines (a reported chain lists their
    # positions): their index among the module's function definitions and among its calls, in source order.
    ordinal: int = -1
    blocking_ordinal: int = -1
    # Its parameters in order (a method's first one included), and those it calls session methods on, each
    # with the first such method (`db.query`, `session.execute`): given a session, it does database work.
    params: tuple[str, ...] = ()
    session_params: tuple[str, ...] = ()

    def session_work(self, param: str) -> str | None:
        """The first session method the function calls on `param` (`query`), if any."""
        return next((e.partition(".")[2] for e in self.session_params if e.partition(".")[0] == param), None)

    __reduce__ = _by_fields
