"""The tables the type model reads, shared by its two readings of a module: the context tracker on
libcst's tree (`context.py`) and the facts reader on CPython's (`facts_ast.py`). Plain data, free of libcst.
"""

from __future__ import annotations

from fapcheck.semantic.kinds import ASYNC_SESSION_FACTORIES, SYNC_SESSION_FACTORIES

# Wrappers whose first argument is the type: `ClassVar[X]` and `Final[X]` read as `X`.
TYPE_WRAPPERS = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions")
    for name in ("Annotated", "Optional", "ClassVar", "Final")
)
UNION_TYPES = frozenset({"typing.Union", "typing_extensions.Union"})
# Types whose first argument is what a generator or context-manager function produces.
PRODUCER_TYPES = frozenset(
    f"{module}.{name}"
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in (
        "Generator",
        "Iterator",
        "Iterable",
        "AsyncGenerator",
        "AsyncIterator",
        "AsyncIterable",
        "ContextManager",
        "AsyncContextManager",
        "Awaitable",
        "Coroutine",
    )
) | frozenset({"contextlib.AbstractContextManager", "contextlib.AbstractAsyncContextManager"})
# pathlib's fluent API: these methods and attributes of a path, and `path / "x"`, give a path again,
# so `(Path(__file__).parent / "data.json").read_text()` keeps its type.
_PATH_FLUENT = frozenset(
    ("parent", "absolute", "resolve", "expanduser", "joinpath", "with_name", "with_stem", "with_suffix", "home", "cwd")
)
FLUENT_TYPES: dict[str, frozenset[str]] = dict.fromkeys(
    ("pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePath", "pathlib.PurePosixPath"),
    _PATH_FLUENT,
)

DEPENDS_FUNCTIONS = frozenset(
    {
        "fastapi.Depends",
        "fastapi.Security",
        "fastapi.params.Depends",
        "fastapi.params.Security",
        "fastapi.param_functions.Depends",
        "fastapi.param_functions.Security",
    }
)
DEPENDS_MARKER = "fastapi.params.Depends"  # the type of `Depends(...)`'s value: a marker naming its provider
# Return annotations that say less than the body: the call the body returns or yields decides. A function
# annotated as returning a Depends marker is one even when its body's provider cannot be known.
UNINFORMATIVE_RETURNS = frozenset(
    {DEPENDS_MARKER, "fastapi.params.Security", "typing.Any", "typing_extensions.Any", "builtins.object"}
)
# Containers whose annotation names their values' type, and which argument does (`dict[str, V]`: the last).
CONTAINER_TYPES: dict[str, int] = {
    **{
        f"{module}.{name}": -1
        for module, names in (
            ("builtins", "dict"),
            ("typing", "Dict Mapping MutableMapping DefaultDict OrderedDict"),
            ("collections", "defaultdict OrderedDict"),
            ("collections.abc", "Mapping MutableMapping"),
        )
        for name in names.split()
    },
    **{
        f"{module}.{name}": 0
        for module, names in (
            ("builtins", "list set frozenset"),
            ("typing", "List Set FrozenSet Sequence MutableSequence Iterable Collection Deque"),
            ("collections", "deque"),
            ("collections.abc", "Sequence MutableSequence Iterable Collection Set"),
        )
        for name in names.split()
    },
}
# Methods of a container that give one of its values (True) or its values as a container (False).
CONTAINER_METHODS: dict[str, bool] = {"get": True, "pop": True, "setdefault": True, "values": False, "copy": False}
# `-> type[X]`: a function that returns the class X. Calling what it returns gives an X, as calling any
# library value's type does; a parameter typed `type[X]` holds a class, not an X.
CLASS_OF_TYPES = frozenset({"builtins.type", "typing.Type", "typing_extensions.Type"})
INSPECT_FUNCTIONS = frozenset({"sqlalchemy.inspect", "sqlalchemy.inspection.inspect"})
INSPECTOR = "sqlalchemy.engine.reflection.Inspector"
ITERATOR_STEPS = frozenset({"builtins.next", "builtins.anext"})
NEW_TYPE_FUNCTIONS = frozenset({"typing.NewType", "typing_extensions.NewType"})
OVERLOAD_DECORATORS = frozenset({"typing.overload", "typing_extensions.overload"})  # stubs, never the code
TYPE_VAR_FUNCTIONS = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})  # a bounded one reads as its bound
PROPERTY_DECORATORS = frozenset({"builtins.property", "functools.cached_property", "cached_property.cached_property"})
MAX_BASES = 6  # base classes followed this deep
COROUTINE_TYPES = frozenset({"typing.Coroutine", "typing_extensions.Coroutine", "collections.abc.Coroutine"})
TYPE_ALIAS_TYPES = frozenset({"typing.TypeAlias", "typing_extensions.TypeAlias"})

CALL_PRODUCTS: dict[tuple[str, bool], str] = {
    **{(factory, True): "sqlalchemy.orm.Session" for factory in SYNC_SESSION_FACTORIES},
    **{(f"{factory}.begin", False): "sqlalchemy.orm.Session" for factory in SYNC_SESSION_FACTORIES},
    **{(factory, True): "sqlalchemy.ext.asyncio.AsyncSession" for factory in ASYNC_SESSION_FACTORIES},
    **{(f"{factory}.begin", False): "sqlalchemy.ext.asyncio.AsyncSession" for factory in ASYNC_SESSION_FACTORIES},
}

# What may rewrite a field after its default: a validator naming it, a model-wide validator, an initialiser.
REWRITING_METHODS = frozenset({"__init__", "__post_init__", "model_post_init"})
MODEL_VALIDATORS = frozenset(
    {
        "pydantic.model_validator",
        "pydantic.functional_validators.model_validator",
        "pydantic.root_validator",
        "pydantic.class_validators.root_validator",
        "pydantic.v1.root_validator",
    }
)
