"""Project facts: which modules belong to the project, where they live, their layers.

Module lookups go to the disk lazily (a few cached `stat` calls), so the index
works the same when only some files are passed, as pre-commit does, and costs
nothing for a run that never asks.

What the disk answered can be recorded while one file is checked
(`record`/`recorded`): per directory asked about, its modification time and
the answers. The result cache stores them with the file's findings and checks
them on a hit (`still_holds`): an unchanged directory mtime vouches for all its
answers at the cost of one `stat` per run (creating, deleting or renaming an
entry changes it); a changed one has its recorded answers asked again. So a
finding that depends on another module (its existence, hence its layer) is
re-checked when that changes. Facts about other modules that later enter a
file's result must be recorded too.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fapcheck.layers import LayerDecision, LayerMap
from fapcheck.reading import read_regular

if TYPE_CHECKING:
    from fapcheck.semantic.exchange import FactsExchange
    from fapcheck.semantic.symbols import Binding, Definition, ModuleFacts, Param

_MAX_HOPS = 12  # re-export chains longer than this are not followed


@dataclass(frozen=True, slots=True)
class ModuleLocation:
    name: str
    path: Path  # the file, or the directory of a namespace package
    layer: LayerDecision


# A file or directory changed this recently may change again within the same mtime tick: never trust its
# stamp, read its content instead.
RACY_NS = 2_000_000_000
# (directory, mtime_ns or 0 when absent or None when too recent to vouch, (("f" or "d" + name, answer), ...))
Stamps = tuple[tuple[str, "int | None", tuple[tuple[str, bool], ...]], ...]
# What a file's stat vouches for, as git's index keeps it: (mtime_ns, ctime_ns, size, inode, device).
# A content change that keeps size and mtime (`touch -d`, `cp -p`, `rsync -t`, a file renamed over
# another) still moves the ctime or the inode.
FileStamp = tuple[int, int, int, int, int]
# Files whose content a result depends on (facts of other modules):
# (path, stamp or None when too recent to vouch, digest of the content or b"" when unreadable).
Contents = tuple[tuple[str, "FileStamp | None", bytes], ...]
# Facts computed earlier, by file: (digest of the content they were computed from, facts or facts
# pickled in the result cache, unpickled on first use).
KnownFacts = dict[str, tuple[bytes, "ModuleFacts | bytes"]]
# FAP406's function facts computed earlier, by file: (digest, (module name, facts by qualified name) or
# the same pickled), read by the call graph.
KnownFunctions = dict[str, tuple[bytes, object]]


class ProjectIndex:
    def __init__(self, root: Path, layer_map: LayerMap, src: Sequence[str] = ()) -> None:
        """`src`: the source roots, relative to `root` (none: the root and its `src/`)."""
        self.root = Path(os.path.abspath(root))
        self.layer_map = layer_map
        self._is_file: dict[str, bool] = {}
        self._is_dir: dict[str, bool] = {}
        self._stamps: dict[str, int | None] = {}  # taken before the first question about a directory
        self._current: dict[str, int] = {}
        self._probes: dict[str, dict[str, bool]] | None = None
        self._content_stamps: dict[str, FileStamp | None] = {}
        self._contents: dict[str, tuple[FileStamp | None, bytes]] | None = None
        self._digests: dict[str, bytes] = {}
        self._current_contents: dict[str, FileStamp | None] = {}
        self._holding: set[tuple[str, FileStamp | None, bytes]] = set()  # content triples found to hold
        self._file_names: dict[str, str] = {}
        self._roots: list[Path] = [Path(os.path.normpath(self.root / each)) for each in src] or [self.root]
        if not src and self._dir(self.root / "src"):
            self._roots.append(self.root / "src")
        # The source root of the file being checked, when it is not one of the above: imports are
        # resolved from it, as Python would, and never from roots other files happened to register
        # (so a file's findings do not depend on the order or the process it is checked in).
        self._file_root: Path | None = None
        self._located: dict[tuple[Path | None, str], tuple[ModuleLocation | None, dict[str, dict[str, bool]]]] = {}
        self._facts: dict[tuple[str, str], ModuleFacts] = {}  # by (file, module name)
        # While one file is checked: the facts it was given, by (source root, module). Its first question
        # recorded what the answer depends on; asking again needs neither a lookup nor a record.
        self._window: dict[tuple[Path | None, str], ModuleFacts | None] | None = None
        # Facts computed earlier (the result cache, this run's own checks), by file, with the
        # digest of the content they were computed from: used while the file still has that content.
        self.known_facts: KnownFacts = {}
        self.exchange: FactsExchange | None = None  # shared with the other processes of the run
        self.parsed: list[tuple[str, bytes, ModuleFacts]] = []  # facts parsed here, for the result cache
        self.known_functions: KnownFunctions = {}
        # Function facts computed here, for the result cache: (file, digest or b"" for the file being
        # checked, (module name, facts)).
        self.parsed_functions: list[tuple[str, bytes, tuple[str, object]]] = []

    # ---------------------------------------------------------- file system

    def _file(self, path: Path) -> bool:
        key = str(path)
        known = self._is_file.get(key)
        if known is None:
            self._stamp(os.path.dirname(key))
            known = self._is_file[key] = os.path.isfile(key)
        if self._probes is not None:
            directory, name = os.path.split(key)
            self._probes.setdefault(directory, {})["f" + name] = known
        return known

    def _dir(self, path: Path) -> bool:
        key = str(path)
        known = self._is_dir.get(key)
        if known is None:
            self._stamp(os.path.dirname(key))
            known = self._is_dir[key] = os.path.isdir(key)
        if self._probes is not None:
            directory, name = os.path.split(key)
            self._probes.setdefault(directory, {})["d" + name] = known
        return known

    def _stamp(self, directory: str) -> None:
        """A directory's mtime, taken before the first question about its entries."""
        if directory not in self._stamps:
            mtime = mtime_ns(directory)
            self._stamps[directory] = None if mtime > time.time_ns() - RACY_NS else mtime

    # ---------------------------------------------------------- dependencies

    def record(self) -> None:
        """Start recording the answers the checks of one file get from the disk."""
        self._probes = {}
        self._contents = {}
        self._window = {}

    def content_stamp(self, path: str) -> FileStamp | None:
        """A file's stamp, taken once per run, before its content is first read for facts."""
        if path not in self._content_stamps:
            self._content_stamps[path] = trusted_stat(file_stat(path), time.time_ns())
        return self._content_stamps[path]

    def depend_on_content(self, path: str) -> None:
        """The result of the file being checked depends on what another file says."""
        if self._contents is not None:
            self._contents[path] = (self.content_stamp(path), self.digest(path))

    def digest(self, path: str) -> bytes:
        """A file's content digest, read once per run: it vouches when the stamp cannot."""
        if path not in self._digests:
            try:
                self._digests[path] = digest_of(read_regular(path))
            except OSError:
                self._digests[path] = b""
        return self._digests[path]

    @contextmanager
    def capturing(self) -> Iterator[Recorded]:
        """Record what the answers asked inside the block depend on, for an answer kept beyond one file's
        check: `replay` records it again for each file that uses the answer. The file's window of facts
        is set aside meanwhile, so that every lookup records; the current file gets it all too."""
        saved = self._probes, self._contents, self._window
        recorded = Recorded({}, {})
        self._probes, self._contents, self._window = recorded.probes, recorded.contents, {}
        try:
            yield recorded
        finally:
            self._probes, self._contents, self._window = saved
            self.replay(recorded)

    def replay(self, recorded: Recorded) -> None:
        """The file being checked depends on what a kept answer depended on when it was found."""
        if self._probes is not None:
            _merge(self._probes, recorded.probes)
        if self._contents is not None:
            self._contents.update(recorded.contents)

    def recorded_contents(self) -> Contents:
        contents, self._contents = self._contents or {}, None
        return tuple((path, stamp, digest) for path, (stamp, digest) in sorted(contents.items()))

    def current_stat(self, path: str) -> FileStamp | None:
        """A file's stamp as a warm run finds it, taken once: the result cache's lookups and the
        contents their results depend on ask about the same files."""
        if path not in self._current_contents:
            self._current_contents[path] = file_stat(path)
        return self._current_contents[path]

    def contents_hold(self, contents: Contents) -> bool:
        """Whether every file still says what it said: (path, stamp, digest) triples, each checked once
        per run however many results depend on it."""
        holding = self._holding
        if all(map(holding.__contains__, contents)):
            return True
        for item in contents:
            if item in holding:
                continue
            path, stamp, digest = item
            # Same size and time, and old enough to trust, is unchanged; else the digest decides.
            if not (stamp is not None and self.current_stat(path) == stamp) and (
                not digest or self.digest(path) != digest
            ):
                return False
            holding.add(item)
        return True

    def layer_of(self, path: Path, source: bytes | None = None) -> LayerDecision:
        """A file's layer, with the directory listings it read recorded (its text is recorded by `locate`)."""
        decision = self.layer_map.layer_for(path, source)
        if self._probes is not None:
            for directory in decision.listed:
                self._stamp(directory)
                self._probes.setdefault(directory, {})["l" + self.layer_map.listing_summary(directory)] = True
        return decision

    def recorded(self) -> Stamps:
        """Stop recording; the answers since `record`, by directory with its stamp."""
        probes, self._probes = self._probes or {}, None
        self._window = None
        return tuple(
            (directory, self._stamps.get(directory), tuple(sorted(answers.items())))
            for directory, answers in sorted(probes.items())
        )

    def still_holds(self, stamps: Stamps) -> bool:
        """Whether the disk still answers as recorded."""
        current = self._current
        for directory, stamp, answers in stamps:
            now = current.get(directory)
            if now is None:
                now = current[directory] = mtime_ns(directory)
            if stamp is not None and now == stamp:
                continue
            for probe, answer in answers:
                if probe[0] == "l":  # a directory listing a layer decision read
                    if (self.layer_map.listing_summary(directory) == probe[1:]) != answer:
                        return False
                    continue
                path = Path(directory, probe[1:])
                if (self._file(path) if probe[0] == "f" else self._dir(path)) != answer:
                    return False
        return True

    def restamped(self, stamps: Stamps) -> Stamps:
        """Answers that `still_holds` confirmed, with the stamps this run took before asking them."""
        return tuple((d, self._stamps.get(d, old), answers) for d, old, answers in stamps)

    # ---------------------------------------------------------- module names

    def module_name_for(self, path: Path) -> tuple[str, bool]:
        """(dotted module name, is a package) of a file; imports are then resolved from its source root."""
        name, is_package, self._file_root = self._name_of(path)
        return name, is_package

    def name_of_file(self, path: str | Path) -> str:
        """The dotted name a project file's own check gives its module, whatever name an import used to
        reach it (a namespace package above regular ones is reachable under two)."""
        key = str(path)
        known = self._file_names.get(key)
        if known is None:
            known = self._file_names[key] = self._name_of(Path(key))[0]
        return known

    def _name_of(self, path: Path) -> tuple[str, bool, Path | None]:
        """(dotted module name, is a package, source root when it is none of the project's roots)."""
        absolute = Path(os.path.abspath(path))
        is_package = absolute.stem == "__init__"
        parts: list[str] = [] if is_package else [absolute.stem]
        directory = absolute.parent
        if not self._file(directory / "__init__.py"):
            # A namespace sub-package (no `__init__.py`) inside a regular package: the package's parent is
            # the source root, wherever fapcheck runs from (`backend/app/api/routes/` under `backend/app/`).
            package = self._enclosing_package(directory)
            if package is not None:
                parts[:0] = directory.relative_to(package).parts
                directory = package
        if self._file(directory / "__init__.py"):
            while self._file(directory / "__init__.py"):
                parts.insert(0, directory.name)
                directory = directory.parent
            return ".".join(parts), is_package, None if directory in self._roots else directory
        for base in sorted(self._roots, key=lambda p: len(p.parts), reverse=True):
            try:
                relative = directory.relative_to(base)
            except ValueError:
                continue
            return ".".join([*relative.parts, *parts]), is_package, None
        return ".".join(parts), is_package, None

    def _enclosing_package(self, directory: Path) -> Path | None:
        """The nearest directory above `directory` that is a regular package, below the project root (or
        the filesystem's top for a file outside the project)."""
        inside = directory == self.root or self.root in directory.parents
        current = directory.parent
        while current != current.parent and (not inside or current == self.root or self.root in current.parents):
            if self._file(current / "__init__.py"):
                return current
            if current == self.root:
                break
            current = current.parent
        return None

    def locate(self, module: str) -> ModuleLocation | None:
        """Find a project module by dotted name; None for third-party and standard modules."""
        key = (self._file_root, module)
        known = self._located.get(key)
        if known is not None:
            found = known[0]
            if self._probes is not None:
                _merge(self._probes, known[1])
        else:
            outer, self._probes = self._probes, {}
            try:
                found = self._find(module)
            finally:
                probes, self._probes = self._probes, outer
            self._located[key] = (found, probes)
            if outer is not None:
                _merge(outer, probes)
        if found is not None and found.layer.read and found.path.suffix in (".py", ".pyi"):
            self.depend_on_content(str(found.path))  # its layer came from its text
        return found

    def _find(self, module: str) -> ModuleLocation | None:
        found: ModuleLocation | None = None
        if module and all(part.isidentifier() for part in module.split(".")):
            relative = Path(*module.split("."))
            roots = self._roots if self._file_root is None else [*self._roots, self._file_root]
            for base in roots:
                candidate = base / relative
                for path in (
                    candidate.with_name(candidate.name + ".py"),
                    candidate.with_name(candidate.name + ".pyi"),
                    candidate / "__init__.py",
                ):
                    if self._file(path):
                        found = ModuleLocation(module, path, self.layer_of(path))
                        break
                else:
                    if self._dir(candidate) and not _is_excluded_dir(candidate):
                        found = ModuleLocation(module, candidate, self.layer_of(candidate / "__init__.py"))
                if found is not None:
                    break
        return found

    def locate_import(self, module: str, name: str | None) -> ModuleLocation | None:
        """The module an import refers to: `from m import name` may import a submodule."""
        if name is not None:
            submodule = self.locate(f"{module}.{name}")
            if submodule is not None:
                return submodule
        return self.locate(module)

    # ---------------------------------------------------------- definitions

    def facts(self, module: str) -> ModuleFacts | None:
        """The top-level facts of a project module, parsed on first use (None: not a project module).

        Kept by the file the name resolves to from the file being checked, not by the name: two
        projects side by side (a monorepo of services) may both have an `app.api.deps`.
        """
        window = self._window
        if window is not None:
            memo = (self._file_root, module)
            if memo not in window:
                window[memo] = self._facts_of(module)
            return window[memo]
        return self._facts_of(module)

    def _facts_of(self, module: str) -> ModuleFacts | None:
        location = self.locate(module)
        if location is None:
            return None
        key = str(location.path)
        readable = location.path.suffix in (".py", ".pyi")
        found = self._facts.get((key, module))
        if found is None:
            found = self._facts[key, module] = self._read_facts(location, module, readable)
        if readable:  # every use is recorded: the file being checked now depends on that module's text
            self.depend_on_content(key)
        return found

    def _read_facts(self, location: ModuleLocation, module: str, readable: bool) -> ModuleFacts:
        from fapcheck.semantic.facts_ast import module_facts
        from fapcheck.semantic.symbols import ModuleFacts

        key = str(location.path)
        layer = location.layer.layer
        if not readable:
            return ModuleFacts(module, layer)
        self.content_stamp(key)  # before reading: what the cache compares
        try:
            source = read_regular(location.path)  # read once: the digest below and, if need be, the parse
        except OSError:
            source = b""
        digest = digest_of(source) if source else b""
        if digest:
            self._digests.setdefault(key, digest)
        known = self.known_facts.get(key)
        if known is not None and digest and known[0] == digest:
            stored = known[1]
            if isinstance(stored, bytes):
                from fapcheck.semantic.storage import load_facts

                loaded = load_facts(stored)
                if loaded is None:
                    del self.known_facts[key]
                else:
                    self.known_facts[key] = (digest, loaded)
                    stored = loaded
            if not isinstance(stored, bytes) and stored.module == module and stored.layer == layer:
                return stored
        exchange = self.exchange
        if exchange is not None and digest:
            shared = exchange.get(key, module, layer, digest)
            if shared is not None:
                return shared
        found = module_facts(location.path, source, module, location.path.stem == "__init__", layer)
        if digest:
            self.known_facts[key] = (digest, found)  # for whoever shares this dict: the language server
            self.parsed.append((key, digest, found))
            if exchange is not None:
                exchange.put(key, digest, found)
        return found

    def take_parsed(self) -> tuple[tuple[str, bytes, ModuleFacts], ...]:
        """The facts parsed since the last call: (file, digest of its content, facts)."""
        parsed, self.parsed = tuple(self.parsed), []
        return parsed

    def take_parsed_functions(self) -> tuple[tuple[str, bytes, tuple[str, object]], ...]:
        """The function facts computed since the last call."""
        parsed, self.parsed_functions = tuple(self.parsed_functions), []
        return parsed

    def learn(self, path: str, digest: bytes, facts: ModuleFacts) -> None:
        """Facts of a file this process has just checked, computed from the same parse."""
        self.known_facts[path] = (digest, facts)
        self._digests.setdefault(path, digest)
        if self.exchange is not None:
            self.exchange.put(path, digest, facts)

    def binding_for(self, qualname: str) -> Binding | None:
        """What a module-level name of a project module is, followed through re-exports.

        Type names in the answer are canonical: `app.services.UserService`
        re-exported from `app.services.users` comes back as the latter.
        """
        # Not memoised: the module facts are, and each use must record the modules it read.
        return self._binding(qualname, 0)

    def _binding(self, qualname: str, hops: int) -> Binding | None:
        module, _, name = qualname.rpartition(".")
        facts = self.facts(module) if module and hops < _MAX_HOPS else None
        binding = facts.name(name) if facts is not None else None
        if binding is None and facts is not None:
            source = self._star_source(facts, name, hops)
            return self._binding(source, hops + 1) if source is not None else None
        if binding is None or binding.kind == "local":
            return None
        if binding.kind == "import" and binding.depends is None and binding.qualname != qualname:
            followed = self._binding(binding.qualname, hops + 1)
            if followed is not None:
                return followed
        if binding.kind == "instance" and binding.qualname:
            made = self.value_type(self.canonical(binding.qualname, hops + 1), hops + 1)
            return (binding if made == binding.qualname else replace(binding, qualname=made)) if made else None
        if binding.kind == "import" and binding.qualname:
            canonical = self.canonical(binding.qualname, hops + 1)
            return binding if canonical == binding.qualname else replace(binding, qualname=canonical)
        return binding

    def canonical(self, qualname: str, hops: int = 0) -> str:
        """The defining name of a project class, function or alias target reached through re-exports."""
        seen = {qualname}
        while hops < _MAX_HOPS:
            module, _, name = qualname.rpartition(".")
            facts = self.facts(module) if module else None
            binding = facts.name(name) if facts is not None else None
            if binding is None and facts is not None:
                source = self._star_source(facts, name, hops)
                if source is not None and source not in seen:
                    qualname = source
                    seen.add(qualname)
                    hops += 1
                    continue
            if binding is None or binding.kind != "import" or binding.depends is not None:
                break
            if binding.qualname in seen:
                break
            qualname = binding.qualname
            seen.add(qualname)
            hops += 1
        return qualname

    def _star_source(self, facts: ModuleFacts, name: str, hops: int) -> str | None:
        """Where `name` comes from when a module has it only through `from m import *`."""
        if name.startswith("_") or hops >= _MAX_HOPS:
            return None
        for star in reversed(facts.star_imports):  # run top-down: the last one that binds the name wins
            origin = self.facts(star)
            if origin is not None and origin.name(name) is not None:
                return f"{star}.{name}"
        return None

    def definition(self, qualname: str) -> Definition | None:
        """The class or function a qualified name refers to, with its layer and parameters.

        Parameter types given by project aliases (`SessionDep`) are resolved to
        the aliased type and its provider.
        """
        canonical = self.canonical(qualname)
        module = canonical.rpartition(".")[0]
        facts = self.facts(module) if module else None
        found = facts.definition(canonical) if facts is not None else None
        if found is not None:
            params = tuple(self.resolved_param(p) for p in found.params)
            if any(new is not old for new, old in zip(params, found.params, strict=True)):
                found = replace(found, params=params)  # a copy only where an alias was resolved
        return found

    def is_project_name(self, qualname: str) -> bool:
        """Whether a qualified name lies in a module of this project (its top package is found here)."""
        return self.locate(qualname.partition(".")[0]) is not None

    def product_of(self, qualname: str, depth: int = 0) -> str | None:
        """What calling a project callable gives: its class, or what its function returns (followed through
        functions that return another project function's product); None when that cannot be known."""
        found = self.definition(qualname)
        if found is None:
            return None
        if found.kind == "class":
            return found.qualname
        return self.value_type(found.returns, depth + 1) if found.returns else None

    def value_type(self, qualname: str, depth: int = 0) -> str | None:
        """The type of a value that a module's facts name after what made it: facts are read one module at
        a time, so `storage = make_client()` is recorded as made by `make_client`, whose product is known
        only here. Library names and classes are their own type."""
        if depth > _MAX_HOPS or not self.is_project_name(qualname):
            return qualname
        found = self.definition(qualname)
        if found is None or found.kind == "class":
            return qualname
        return self.product_of(qualname, depth + 1)

    def member_type(self, class_name: str, attribute: str, depth: int = 0) -> str | None:
        """The type an attribute or property of a project class holds, looked up through its bases."""
        found = self.definition(class_name)
        if found is None or found.kind != "class" or depth > _MAX_HOPS:
            return None
        for member in found.members:
            if member.name == attribute:
                return self.value_type(member.type, depth + 1) if member.type else None
        for base in found.bases:
            inherited = self.member_type(base, attribute, depth + 1)
            if inherited is not None:
                return inherited
        return None

    def property_owner(self, class_name: str, name: str) -> str | None:
        """The project class, `class_name` or one of its bases, that defines `name` as a property."""
        return self._defining(
            class_name, lambda found: name in found.properties or (False if name in found.methods else None)
        )

    def defining_class(self, class_name: str, method: str) -> str | None:
        """The project class, `class_name` or one of its bases, that defines `method`."""
        return self._defining(class_name, lambda found: True if method in found.methods else None)

    def _defining(self, class_name: str, defines: Callable[[Definition], bool | None], depth: int = 0) -> str | None:
        """The first class, `class_name` then its bases depth first, of which `defines` says True; None where it
        says False first (the class defines the name otherwise) or of none."""
        found = self.definition(class_name)
        if found is None or found.kind != "class" or depth > _MAX_HOPS:
            return None
        here = defines(found)
        if here is not None:
            return found.qualname if here else None
        for base in found.bases:
            owner = self._defining(base, defines, depth + 1)
            if owner is not None:
                return owner
        return None

    def resolved_param(self, param: Param) -> Param:
        if param.type is None or "." not in param.type:
            return param
        alias = self.binding_for(param.type)
        if alias is None or alias.kind != "import":
            return param
        return replace(
            param, type=alias.qualname, depends=param.depends if param.depends is not None else alias.depends
        )


def digest_of(source: bytes) -> bytes:
    return hashlib.blake2b(source, digest_size=16).digest()


def file_stat(path: str | Path) -> FileStamp | None:
    """(mtime_ns, ctime_ns, size, inode, device), or None for a file that cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev


def trusted_stat(stat: FileStamp | None, now_ns: int) -> FileStamp | None:
    """The stat, when it is old enough to vouch for the content it was taken with: its inode changed
    last (ctime, which no one can set back) before the racy window, as git's index asks."""
    return stat if stat is not None and max(stat[0], stat[1]) < now_ns - RACY_NS else None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What some answers depend on: directory questions with their answers, and files read (stamp, digest)."""

    probes: dict[str, dict[str, bool]]
    contents: dict[str, tuple[FileStamp | None, bytes]]

    def absorb(self, other: Recorded) -> None:
        """What `other` depends on, added."""
        _merge(self.probes, other.probes)
        self.contents.update(other.contents)


def _merge(into: dict[str, dict[str, bool]], probes: dict[str, dict[str, bool]]) -> None:
    for directory, answers in probes.items():
        into.setdefault(directory, {}).update(answers)


def mtime_ns(directory: str) -> int:
    try:
        return os.stat(directory).st_mtime_ns or 1
    except OSError:
        return 0


def _is_excluded_dir(path: Path) -> bool:
    return path.name in {"site-packages", "node_modules", "__pycache__"}
