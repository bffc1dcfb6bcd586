"""The per-file result cache: an unchanged tree re-checks without importing libcst.

One pack file per (fapcheck build, Python version, configuration) under the
cache directory maps each checked file to an entry: its display path, the
BLAKE2 digest of its bytes, its (mtime, size) when they can be trusted, its
`FileResult` (findings and any other per-file payload), and the stamps of the
directories its check asked the project index about (another module's
existence and layer). An entry is used when the file's bytes are unchanged
(the stat shortcut skips reading them) and every stamp still holds.

Writes go to a temporary file renamed over the pack, so readers never see a
half-written pack; two runs sharing a directory may drop each other's new
entries, never corrupt them. An unreadable, corrupt or foreign pack is ignored
and rewritten. Packs are read with an unpickler that only builds fapcheck's own
data classes, so a planted file cannot run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from fapcheck import __version__
from fapcheck.config import Config
from fapcheck.findings import FileResult
from fapcheck.semantic.index import (
    Contents,
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
from fapcheck.semantic.symbols import ModuleFacts

CACHE_DIR_NAME = ".fapcheck_cache"
_FORMAT = 7
_PACKS_KEPT = 8


# (display path, digest, trusted (mtime_ns, size) or None, result, directory stamps, pickled answers,
# other files whose content the result depends on, the module's own facts for other files' checks, and its
# function facts for FAP406's call graph, both pickled: a run that needs none of them, such as a warm run,
# never pays for unpickling them).
# A plain tuple: a pack of thousands loads several times faster than with a class per entry. The
# (directory, mtime) pairs are shared objects, stored once per pack; the answers behind them are only
# unpickled when a directory changed.
Entry = tuple[
    str,
    bytes,
    "tuple[int, int] | None",
    FileResult,
    "tuple[tuple[str, int | None], ...]",
    bytes,
    Contents,
    bytes,
    bytes,
]
_ENTRY_SIZE = 9
_FACTS, _FUNCTIONS = 7, 8  # the entry slots of the pickled module facts and function facts


def _build_fingerprint() -> str:
    """Changes whenever fapcheck's own code does, not only its version number."""
    package = Path(__file__).resolve().parent.parent
    parts = [__version__, sys.version]
    for path in sorted(package.rglob("*.py")):
        stat = file_stat(path)
        parts.append(f"{path.relative_to(package)}:{stat}")
    return "\n".join(parts)


def settings_key(config: Config) -> str:
    """Everything outside a file that decides its result: the build, Python, and the configuration."""
    src = os.path.isdir(os.path.join(config.root, "src"))  # a source root of every file
    text = "\n".join((_build_fingerprint(), repr(config), ",".join(sorted(config.enabled_codes)), str(src)))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


class ResultCache:
    def __init__(self, directory: Path, config: Config) -> None:
        self.directory = directory
        self.pack = directory / f"v{_FORMAT}" / f"{settings_key(config)}.pickle"
        self.entries = self._load()
        self.started_ns = time.time_ns()
        self.changed: dict[str, Entry] = {}
        self._pairs: dict[tuple[str, int | None], tuple[str, int | None]] = {}
        self._dirs: dict[tuple[str, int | None], bool] = {}
        # Pickled facts for entries not stored yet, by entry slot: (digest they describe, blob).
        self._pending: dict[int, dict[str, tuple[bytes, bytes]]] = {_FACTS: {}, _FUNCTIONS: {}}

    def _load(self) -> dict[str, Entry]:
        try:
            data = self.pack.read_bytes()
        except OSError:
            return {}
        try:
            loaded = SafeUnpickler(io.BytesIO(data)).load()
        except Exception:  # corrupt or foreign: start afresh, the next save rewrites it
            return {}
        return loaded if isinstance(loaded, dict) else {}  # entries are checked when used

    def lookup(self, path: Path, display: str, index: ProjectIndex) -> FileResult | None:
        """The stored result of an unchanged file whose directory answers still hold, else None."""
        key = str(path)
        entry = self.entries.get(key)
        if type(entry) is not tuple or len(entry) != _ENTRY_SIZE or entry[0] != display:
            return None
        _, digest, known_stat, result, dirs, answers, contents, facts, functions = entry
        stat = file_stat(path)
        if stat is None or not isinstance(result, FileResult):
            return None
        fresh_stat = known_stat
        if known_stat != stat:
            try:
                source = path.read_bytes()
            except OSError:
                return None
            if digest_of(source) != digest:
                return None
            fresh_stat = trusted_stat(stat, self.started_ns)
        if contents and not index.contents_hold(contents):
            return None
        if not self._unchanged(dirs):
            stamps = _loads(answers)
            if stamps is None or not index.still_holds(stamps):
                return None
            # Still true: stamp the directories anew, so the next run need not ask again.
            restamped = index.restamped(stamps)
            self.store(path, display, digest, fresh_stat, result, restamped, contents, facts, functions, trusted=True)
        elif fresh_stat != known_stat:
            self.changed[key] = (display, digest, fresh_stat, result, dirs, answers, contents, facts, functions)
        return result

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
        stat: tuple[int, int] | None,
        result: FileResult,
        probes: Stamps,
        contents: Contents = (),
        facts: ModuleFacts | bytes | None = None,
        functions: bytes = b"",
        trusted: bool = False,
    ) -> None:
        dirs = tuple(self._pairs.setdefault((d, stamp), (d, stamp)) for d, stamp, _ in probes)
        answers = pickle.dumps(probes, protocol=pickle.HIGHEST_PROTOCOL)
        stat = stat if trusted else trusted_stat(stat, self.started_ns)
        if isinstance(facts, ModuleFacts):
            facts = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        slots = {_FACTS: facts or b"", _FUNCTIONS: functions}
        for slot, pending in self._pending.items():
            found = pending.pop(str(path), None)
            if not slots[slot] and found is not None and found[0] == digest:
                slots[slot] = found[1]
        entry = (display, digest, stat, result, dirs, answers, contents, slots[_FACTS], slots[_FUNCTIONS])
        self.changed[str(path)] = entry

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
            entry = self.changed.get(path) or self.entries.get(path)
            if type(entry) is tuple and len(entry) == _ENTRY_SIZE and entry[1] == digest:
                if not entry[slot]:
                    updated = list(entry)
                    updated[slot] = blob
                    self.changed[path] = cast(Entry, tuple(updated))
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
        for path, entry in {**self.entries, **self.changed}.items():
            blob = entry[slot] if type(entry) is tuple and len(entry) == _ENTRY_SIZE else None
            if isinstance(blob, bytes) and blob:
                known[path] = (entry[1], blob)
        return known

    def save(self) -> str | None:
        """Write the pack if anything changed; a warning when the directory cannot be written."""
        if not self.changed:
            return None
        try:
            self.pack.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                write_atomic(gitignore, b"# Created by fapcheck automatically.\n*\n")
            entries = {**self.entries, **self._load(), **self.changed}  # keep what a concurrent run added
            entries = {k: v for k, v in entries.items() if k in self.changed or os.path.exists(k)}
            write_atomic(self.pack, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
            _prune(self.pack.parent)
            _drop_other_formats(self.directory)
        except OSError as error:
            return f"cannot write the cache in {self.directory}: {error.strerror or error}; continuing without it"
        return None


def _loads(answers: bytes) -> Stamps | None:
    loaded = unpickle(answers)
    return loaded if isinstance(loaded, tuple) else None


def _prune(directory: Path) -> None:
    """Keep the most recently written packs: older builds and configurations are not coming back."""
    packs = sorted(directory.glob("*.pickle"), key=lambda p: file_stat(p) or (0, 0), reverse=True)
    for stale in packs[_PACKS_KEPT:]:
        with contextlib.suppress(OSError):
            stale.unlink()


def _drop_other_formats(directory: Path) -> None:
    """Packs of other cache formats are never read again."""
    for old in directory.glob("v*"):
        if old.name != f"v{_FORMAT}" and old.name[1:].isdigit() and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
