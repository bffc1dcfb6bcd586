"""The per-file result cache: an unchanged tree re-checks without importing libcst.

One pack file per (fapcheck build, Python version, configuration) under the
cache directory maps each checked file to an entry: its display path, the
BLAKE2 digest of its bytes, its stat (mtime, ctime, size, inode, device) when it can be trusted, its
`FileResult` (findings and any other per-file payload), and the stamps of the
directories its check asked the project index about (another module's
existence and layer). An entry is used when the file's bytes are unchanged
(the stat shortcut skips reading them) and every stamp still holds.

A pack is two pickles: the entries a warm run reads, then what only some runs
need (the answers behind the stamps, the module facts other files' checks read),
read and unpickled when first asked for, and only from the same file the entries
came from (a pack is replaced by a rename, never rewritten in place), so they
always belong together; a pack replaced in between reads as having no second part.

Writes go to a temporary file renamed over the pack, so readers never see a
half-written pack; two runs sharing a directory may drop each other's new
entries, never corrupt them. An unreadable, corrupt or foreign pack is ignored
and rewritten. Packs are read with an unpickler that only builds fapcheck's own
data classes, so a planted file cannot run code.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from fapcheck import __version__
from fapcheck.config import Config
from fapcheck.findings import FileResult
from fapcheck.reading import read_regular
from fapcheck.semantic.index import (
    RACY_NS,
    Contents,
    FileStamp,
    KnownFacts,
    KnownFunctions,
    ProjectIndex,
    Stamps,
    digest_of,
    file_stat,
    mtime_ns,
    trusted_stat,
)
from fapcheck.semantic.storage import SafeUnpickler, unpickle, write_atomic

if TYPE_CHECKING:
    from fapcheck.semantic.symbols import ModuleFacts  # imported by the runs that read facts

CACHE_DIR_NAME = ".fapcheck_cache"
_FORMAT = 8
_PACKS_KEPT = 8
# What marks a directory as fapcheck's cache: the standard cache directory tag (backup tools skip the
# directory), with a line naming fapcheck. fapcheck removes and rewrites only what it made in such a
# directory, and only ever writes into a directory it made, found empty, or finds marked.
CACHE_TAG = "CACHEDIR.TAG"
_TAG_TEXT = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by fapcheck.\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_TAG_OWNER = b"created by fapcheck"
_GITIGNORE = b"# Created by fapcheck automatically.\n*\n"
_PACK_NAME = re.compile(r"[0-9a-f]{32}\.pickle|\.tmp-[^/]*\.pickle")
_FORMAT_DIR = re.compile(r"v[0-9]+")


def cache_dir_problem(directory: Path, root: str | Path) -> str | None:
    """Why fapcheck may not keep its result cache in `directory` for the project at `root`; None if it may.

    It may when the directory does not exist yet, is empty, or is marked as fapcheck's own (`CACHE_TAG`, or
    the layout of a cache an earlier fapcheck made); never when it is the project root or holds it."""
    absolute = os.path.abspath(directory)
    project = os.path.abspath(root)
    if absolute == project:
        return f"{directory}: is the project's own directory ({project}); name a directory for the cache alone"
    if project.startswith(absolute.rstrip(os.sep) + os.sep):
        return f"{directory}: contains the project ({project}); name a directory for the cache alone"
    try:
        if not os.path.isdir(absolute):
            # Missing (made when the cache is written, or a warning then) or a file: never written into.
            return f"{directory}: is not a directory" if os.path.lexists(absolute) else None
        names = os.listdir(absolute)
    except OSError as error:
        return f"{directory}: cannot be read: {error.strerror or error}"
    if not names or _is_ours(absolute, names):
        return None
    shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
    return f"{directory}: holds files fapcheck did not create ({shown}); name a new or empty directory for the cache"


def inside_cache_directory(directory: Path) -> Path | None:
    """The fapcheck cache directory `directory` is or lies in (marked by its tag), if any."""
    current = Path(os.path.abspath(directory))
    for candidate in (current, *current.parents):
        if _tagged(str(candidate)):
            return candidate
    return None


def _is_ours(directory: str, names: list[str]) -> bool:
    if CACHE_TAG in names:
        return _tagged(directory)
    # A cache made before the tag: fapcheck's .gitignore and format directories, nothing else.
    if ".gitignore" not in names or not all(n == ".gitignore" or _FORMAT_DIR.fullmatch(n) for n in names):
        return False
    try:
        return read_regular(os.path.join(directory, ".gitignore")) == _GITIGNORE
    except OSError:
        return False


def _tagged(directory: str) -> bool:
    """Whether the directory holds fapcheck's cache tag (read only if it is a regular file: a FIFO there
    would block the run)."""
    try:
        return _TAG_OWNER in read_regular(os.path.join(directory, CACHE_TAG))
    except OSError:
        return False


def _claim(directory: Path) -> None:
    """Make the directory fapcheck's (mark it, and hide it from git) unless it is already."""
    directory.mkdir(parents=True, exist_ok=True)
    tag = directory / CACHE_TAG
    if tag.exists():
        return
    names = os.listdir(directory)
    if names and not _is_ours(str(directory), names):  # filled by someone else since the run began
        raise PermissionError(0, "it now holds files fapcheck did not create")
    gitignore = directory / ".gitignore"
    if not gitignore.exists():  # in a directory of fapcheck's alone it hides nothing else
        write_atomic(gitignore, _GITIGNORE)
    write_atomic(tag, _TAG_TEXT)


# What a warm run reads of each file: (display path, digest, trusted stat or None, result,
# directory stamps, other files whose content the result depends on). A plain tuple: a pack of thousands
# loads several times faster than with a class per entry. The (directory, mtime) pairs are shared objects,
# stored once per pack.
Entry = tuple[str, bytes, "FileStamp | None", FileResult, "tuple[tuple[str, int | None], ...]", Contents]
_ENTRY_SIZE = 6
# What only some runs read, pickled: the answers behind the directory stamps (read when a directory
# changed), the module's own facts for other files' checks and its function facts for FAP406's call graph
# (read when some file is checked). A pack holds the entries, then these in a pickle of their own, read
# only when asked for.
Heavy = tuple[bytes, bytes, bytes]
_ANSWERS, _FACTS, _FUNCTIONS = 0, 1, 2
_NO_HEAVY: Heavy = (b"", b"", b"")


@functools.cache
def _build_fingerprint() -> str:
    """Changes whenever fapcheck's own code does, not only its version number; once per process."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    parts = [__version__, sys.version]
    for relative, path in sorted(_sources(package, ())):
        parts.append(f"{os.sep.join(relative)}:{file_stat(path)}")
    return "\n".join(parts)


def _sources(directory: str, relative: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """The .py files below a directory, each with its path's parts below the package (sorted by them as
    Paths sort), listed with `os.scandir` as `Path.rglob` would find them."""
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        parts = (*relative, entry.name)
        if entry.name.endswith(".py"):
            yield parts, entry.path
        if entry.is_dir(follow_symlinks=False):
            yield from _sources(entry.path, parts)


def settings_key(config: Config) -> str:
    """Everything outside a file that decides its result: the build, Python, and the configuration."""
    src = os.path.isdir(os.path.join(config.root, "src"))  # a source root of every file
    text = "\n".join((_build_fingerprint(), repr(config), ",".join(sorted(config.enabled_codes)), str(src)))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


class ResultCache:
    def __init__(self, directory: Path, config: Config) -> None:
        self.directory = directory
        self.pack = directory / f"v{_FORMAT}" / f"{settings_key(config)}.pickle"
        # A directory that is not fapcheck's is neither read nor written: the run goes on without a cache.
        self.problem = cache_dir_problem(directory, config.root)
        self.entries, self._heavy_at = _read_entries(self.pack) if self.problem is None else ({}, None)
        self._heavy: dict[str, Heavy] | None = None
        self.started_ns = time.time_ns()
        # Entries to write, each with its heavy part (None: the one the pack holds, unchanged).
        self.changed: dict[str, tuple[Entry, Heavy | None]] = {}
        self._pairs: dict[tuple[str, int | None], tuple[str, int | None]] = {}
        self._triples: dict[tuple[str, FileStamp | None, bytes], tuple[str, FileStamp | None, bytes]] = {}
        self._dirs: dict[tuple[str, int | None], bool] = {}
        self._stamps_now: dict[str, int | None] = {}
        self._vouchers: dict[str, tuple[str, int] | None] = {}
        # Pickled facts for entries not stored yet, by heavy slot: (digest they describe, blob).
        self._pending: dict[int, dict[str, tuple[bytes, bytes]]] = {_FACTS: {}, _FUNCTIONS: {}}

    def heavy(self) -> dict[str, Heavy]:
        if self._heavy is None:
            self._heavy = _read_heavy(self.pack, self._heavy_at)
        return self._heavy

    def _heavy_of(self, key: str) -> Heavy:
        found = self.heavy().get(key)
        return found if type(found) is tuple and len(found) == len(_NO_HEAVY) else _NO_HEAVY

    def lookup(self, path: Path, display: str, index: ProjectIndex) -> FileResult | None:
        """The stored result of an unchanged file whose directory answers still hold, else None."""
        key = str(path)
        entry = self.entries.get(key)
        if type(entry) is not tuple or len(entry) != _ENTRY_SIZE or entry[0] != display:
            return None
        _, digest, known_stat, result, dirs, contents = entry
        stat = index.current_stat(key)
        if stat is None or not isinstance(result, FileResult):
            return None
        fresh_stat = known_stat
        if known_stat != stat:
            try:
                source = read_regular(path)
            except OSError:
                return None
            if digest_of(source) != digest:
                return None
            fresh_stat = trusted_stat(stat, self.started_ns)
        stale, asked_again = self._stale(key, dirs, contents, index)
        if stale:
            return None
        if asked_again is not None:
            # Still true: stamp the directories anew, so the next run need not ask again.
            _, facts, functions = self._heavy_of(key)
            restamped = index.restamped(asked_again)
            self.store(path, display, digest, fresh_stat, result, restamped, contents, facts, functions, trusted=True)
        elif fresh_stat != known_stat:
            self.changed[key] = ((display, digest, fresh_stat, result, dirs, contents), None)
        return result

    def lookup_source(self, path: Path, display: str, source: bytes, index: ProjectIndex) -> FileResult | None:
        """The stored result of the file at `path` for these bytes (an editor's buffer the file was checked
        with), while what it depends on holds; else None. Nothing is stored: the file itself may differ."""
        key = str(path)
        entry = self.entries.get(key)
        if type(entry) is not tuple or len(entry) != _ENTRY_SIZE or entry[0] != display:
            return None
        _, digest, _, result, dirs, contents = entry
        if not isinstance(result, FileResult) or digest_of(source) != digest:
            return None
        return None if self._stale(key, dirs, contents, index)[0] else result

    def _stale(
        self, key: str, dirs: tuple[tuple[str, int | None], ...], contents: Contents, index: ProjectIndex
    ) -> tuple[bool, Stamps | None]:
        """Whether what an entry depends on changed: other files' contents, the directory answers. With the
        answers asked again (a directory's stamp moved, its answers did not), when they were."""
        if contents and not index.contents_hold(contents):
            return True, None
        if self._unchanged(dirs):
            return False, None
        stamps = _loads(self._heavy_of(key)[0])
        if stamps is None or not index.still_holds(stamps):
            return True, None
        return False, stamps

    def _unchanged(self, dirs: tuple[tuple[str, int | None], ...]) -> bool:
        for pair in dirs:
            same = self._dirs.get(pair)
            if same is None:
                same = self._dirs[pair] = pair[1] is not None and mtime_ns(pair[0]) == pair[1]
            if not same:
                return False
        return True

    def store(
        self,
        path: Path,
        display: str,
        digest: bytes,
        stat: FileStamp | None,
        result: FileResult,
        probes: Stamps,
        contents: Contents = (),
        facts: ModuleFacts | bytes | None = None,
        functions: bytes = b"",
        trusted: bool = False,
    ) -> None:
        dirs = tuple(self._pairs.setdefault(pair, pair) for pair in self._quick_stamps(probes))
        answers = pickle.dumps(probes, protocol=pickle.HIGHEST_PROTOCOL)
        stat = stat if trusted else trusted_stat(stat, self.started_ns)
        if facts is not None and not isinstance(facts, bytes):
            facts = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        slots = {_FACTS: facts or b"", _FUNCTIONS: functions}
        for slot, pending in self._pending.items():
            found = pending.pop(str(path), None)
            if not slots[slot] and found is not None and found[0] == digest:
                slots[slot] = found[1]
        # One object per (file, stamp, digest) in the pack: results depend on the same files again and again.
        contents = tuple(self._triples.setdefault(triple, triple) for triple in contents)
        entry = (display, digest, stat, result, dirs, contents)
        self.changed[str(path)] = (entry, (answers, slots[_FACTS], slots[_FUNCTIONS]))

    def _quick_stamps(self, probes: Stamps) -> dict[tuple[str, int | None], None]:
        """The stamps a warm run compares: those of the directories asked about that exist. A directory that
        did not exist is vouched for by the stamp of the closest one above it that does (creating it changes
        that one), taken before it was seen missing once more; its recorded answers are asked again only
        when that stamp no longer holds."""
        quick: dict[tuple[str, int | None], None] = {}
        for directory, stamp, _ in probes:
            voucher = self._voucher(directory) if stamp == 0 else None
            quick[voucher or (directory, stamp)] = None
        return quick

    def _voucher(self, directory: str) -> tuple[str, int] | None:
        if directory not in self._vouchers:
            found = None
            parent = os.path.dirname(directory)
            if parent != directory:
                stamp = self._stamp_now(parent)
                if stamp == 0:
                    found = self._voucher(parent)  # missing too: whatever vouches for it vouches for both
                elif stamp is not None and mtime_ns(directory) == 0:
                    found = (parent, stamp)
            self._vouchers[directory] = found
        return self._vouchers[directory]

    def _stamp_now(self, directory: str) -> int | None:
        """A directory's mtime (0: missing), taken once; None when too recent to vouch for anything."""
        if directory not in self._stamps_now:
            mtime = mtime_ns(directory)
            self._stamps_now[directory] = None if mtime > time.time_ns() - RACY_NS else mtime
        return self._stamps_now[directory]

    def attach_facts(self, parsed: Iterable[tuple[str, bytes, ModuleFacts]]) -> None:
        """Facts of modules parsed while other files were checked, kept with each module's own entry
        (when it holds the same content), so that later runs need not parse them again."""
        self._attach(_FACTS, parsed)

    def attach_functions(self, parsed: Iterable[tuple[str, bytes, tuple[str, object]]]) -> None:
        """FAP406's function facts of modules, kept with each module's own entry like `attach_facts`."""
        self._attach(_FUNCTIONS, parsed)

    def _attach(self, slot: int, parsed: Iterable[tuple[str, bytes, object]]) -> None:
        for path, digest, value in parsed:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            changed = self.changed.get(path)
            entry, heavy = changed if changed is not None else (self.entries.get(path), None)
            if type(entry) is tuple and len(entry) == _ENTRY_SIZE and entry[1] == digest:
                heavy = heavy or self._heavy_of(path)
                if not heavy[slot]:
                    updated = list(heavy)
                    updated[slot] = blob
                    self.changed[path] = (entry, cast(Heavy, tuple(updated)))
            else:  # its entry is stored later in this run
                self._pending[slot][path] = (digest, blob)

    def known_facts(self) -> KnownFacts:
        """The facts stored with each file's result, for the checks of the files that import it."""
        return cast(KnownFacts, self._known(_FACTS))

    def known_functions(self) -> KnownFunctions:
        """The function facts stored with each file's result, for FAP406's call graph."""
        return cast(KnownFunctions, self._known(_FUNCTIONS))

    def _known(self, slot: int) -> dict[str, tuple[bytes, bytes]]:
        known: dict[str, tuple[bytes, bytes]] = {}
        heavy = self.heavy()
        for path, entry in self.entries.items():
            found = heavy.get(path)
            if type(entry) is tuple and len(entry) == _ENTRY_SIZE and type(found) is tuple and len(found) == 3:
                known[path] = (entry[1], found[slot])
        for path, (entry, changed) in self.changed.items():
            known[path] = (entry[1], (changed or self._heavy_of(path))[slot])
        return {path: item for path, item in known.items() if isinstance(item[1], bytes) and item[1]}

    def save(self) -> str | None:
        """Write the pack if anything changed; a warning when the directory cannot be written."""
        if self.problem is not None:
            return f"not using the cache: {self.problem} (or pass --cache-dir)"
        if not self.changed:
            return None
        try:
            _claim(self.directory)
            self.pack.parent.mkdir(exist_ok=True)
            # Keep what a concurrent run added: each entry goes with the heavy part of the same pack.
            theirs, their_heavy_at = _read_entries(self.pack)
            heavy = self.heavy()
            entries: dict[str, tuple[Entry, Heavy]] = {}
            for source, source_heavy in ((self.entries, heavy), (theirs, _read_heavy(self.pack, their_heavy_at))):
                for key, entry in source.items():
                    entries[key] = (entry, source_heavy.get(key) or _NO_HEAVY)
            for key, (entry, changed) in self.changed.items():
                entries[key] = (entry, changed or heavy.get(key) or _NO_HEAVY)
            kept = {k: v for k, v in entries.items() if k in self.changed or os.path.exists(k)}
            protocol = pickle.HIGHEST_PROTOCOL
            index = pickle.dumps({k: entry for k, (entry, _) in kept.items()}, protocol=protocol)
            write_atomic(self.pack, index + pickle.dumps({k: h for k, (_, h) in kept.items()}, protocol=protocol))
            _prune(self.pack.parent)
            _drop_other_formats(self.directory)
        except OSError as error:
            return f"cannot write the cache in {self.directory}: {error.strerror or error}; continuing without it"
        return None


# Where a pack's heavy part starts, and which file it is in: (offset, (device, inode, size, mtime_ns)).
HeavyAt = tuple[int, tuple[int, int, int, int]]


def _read_entries(pack: Path) -> tuple[dict[str, Entry], HeavyAt | None]:
    """The entries of a pack (checked when used), and where its heavy part is; None when there is none.

    Unpickled straight from the file, which reads only the entries' bytes, not the heavy part after them."""
    try:
        with open(pack, "rb") as handle:
            loaded = _without_collections(SafeUnpickler(handle).load)
            at = (handle.tell(), _identity(os.fstat(handle.fileno())))
    except Exception:  # missing, corrupt or foreign: start afresh, the next save rewrites it
        return {}, None
    return (loaded, at) if isinstance(loaded, dict) else ({}, None)


def _read_heavy(pack: Path, at: HeavyAt | None) -> dict[str, Heavy]:
    """The heavy part of the pack the entries were read from; empty if that file was replaced since."""
    if at is None:
        return {}
    offset, identity = at
    try:
        with open(pack, "rb") as handle:
            if _identity(os.fstat(handle.fileno())) != identity:
                return {}
            handle.seek(offset)
            loaded = _without_collections(SafeUnpickler(handle).load)
    except Exception:  # gone or corrupt: as if nothing were stored, the next save rewrites it
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _identity(stat: os.stat_result) -> tuple[int, int, int, int]:
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


T = TypeVar("T")


def _without_collections(load: Callable[[], T]) -> T:
    """Unpickling builds many objects and no garbage: the cyclic collector would only walk them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return load()
    finally:
        if enabled:
            gc.enable()


def _loads(answers: bytes) -> Stamps | None:
    loaded = unpickle(answers)
    return loaded if isinstance(loaded, tuple) else None


def _prune(directory: Path) -> None:
    """Keep the most recently written packs: older builds and configurations are not coming back."""
    packs = [p for p in directory.iterdir() if _PACK_NAME.fullmatch(p.name) and not p.name.startswith(".")]
    packs.sort(key=lambda p: file_stat(p) or (0,), reverse=True)
    for stale in packs[_PACKS_KEPT:]:
        with contextlib.suppress(OSError):
            stale.unlink()


def _drop_other_formats(directory: Path) -> None:
    """Packs of other cache formats are never read again: their files go, and their directory once empty.
    Nothing fapcheck did not name is removed."""
    for old in directory.iterdir():
        if old.name == f"v{_FORMAT}" or not _FORMAT_DIR.fullmatch(old.name) or old.is_symlink() or not old.is_dir():
            continue
        with contextlib.suppress(OSError):
            for pack in old.iterdir():
                if _PACK_NAME.fullmatch(pack.name) and not pack.is_symlink() and pack.is_file():
                    pack.unlink()
            old.rmdir()  # fails, and keeps the directory, when anything else is in it
