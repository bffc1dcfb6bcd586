"""The per-file result cache: an unchanged tree re-checks without importing libcst.

One pack file per (fapcheck build, Python version, configuration) under the
cache directory maps each checked file to an entry: its display path, the
BLAKE2 digest of its bytes, its (mtime, size) when they can be trusted, its
`FileResult` (findings and any other per-file payload), and the disk probes its
check made through the project index (another module's existence and layer).
An entry is used when the file's bytes are unchanged (the stat shortcut skips
reading them) and every probe still holds.

Writes go to a temporary file renamed over the pack, so readers never see a
half-written pack; two runs sharing a directory may drop each other's new
entries, never corrupt them. An unreadable, corrupt or foreign pack is ignored
and rewritten. Packs are read with an unpickler that only builds fapcheck's own
data classes, so a planted file cannot run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fapcheck import __version__
from fapcheck.config import Config
from fapcheck.engine.index import ProjectIndex
from fapcheck.findings import FileResult

CACHE_DIR_NAME = ".fapcheck_cache"
_FORMAT = 1
# A file modified this close to its check may change again within the same mtime tick: hash it next time.
_RACY_NS = 2_000_000_000

Probes = tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class Entry:
    display: str
    digest: bytes
    stat: tuple[int, int] | None  # (mtime_ns, size) when trusted
    result: FileResult
    probes: Probes


def digest_of(source: bytes) -> bytes:
    return hashlib.blake2b(source, digest_size=16).digest()


def file_stat(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def trusted_stat(stat: tuple[int, int] | None, started_ns: int) -> tuple[int, int] | None:
    return stat if stat is not None and stat[0] < started_ns - _RACY_NS else None


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
    text = "\n".join((_build_fingerprint(), repr(config), ",".join(sorted(config.enabled_codes))))
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "fapcheck" or module.startswith("fapcheck."):
            value = getattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name, None)
            if isinstance(value, type) and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)):
                return value
        if module == "pathlib" and name in ("Path", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"):
            return getattr(__import__("pathlib"), name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


class ResultCache:
    def __init__(self, directory: Path, config: Config) -> None:
        self.directory = directory
        self.pack = directory / f"v{_FORMAT}" / f"{settings_key(config)}.pickle"
        self.entries = self._load()
        self.started_ns = time.time_ns()
        self.changed: dict[str, Entry] = {}

    def _load(self) -> dict[str, Entry]:
        try:
            data = self.pack.read_bytes()
        except OSError:
            return {}
        try:
            loaded = _SafeUnpickler(io.BytesIO(data)).load()
        except Exception:  # corrupt or foreign: start afresh, the next save rewrites it
            return {}
        if not isinstance(loaded, dict):
            return {}
        return {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, Entry)}

    def lookup(self, path: Path, display: str, index: ProjectIndex) -> FileResult | None:
        """The stored result of an unchanged file whose probes still hold, else None."""
        key = str(path)
        entry = self.entries.get(key)
        if entry is None or entry.display != display:
            return None
        stat = file_stat(path)
        if stat is None:
            return None
        if entry.stat != stat:
            try:
                source = path.read_bytes()
            except OSError:
                return None
            if digest_of(source) != entry.digest:
                return None
            trusted = trusted_stat(stat, self.started_ns)
            if trusted != entry.stat:
                entry = self.changed[key] = dataclasses.replace(entry, stat=trusted)
        if not index.still_holds(entry.probes):
            return None
        return entry.result

    def store(
        self, path: Path, display: str, digest: bytes, stat: tuple[int, int] | None, result: FileResult, probes: Probes
    ) -> None:
        self.changed[str(path)] = Entry(display, digest, trusted_stat(stat, self.started_ns), result, probes)

    def save(self) -> str | None:
        """Write the pack if anything changed; a warning when the directory cannot be written."""
        if not self.changed:
            return None
        try:
            self.pack.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.directory / ".gitignore"
            if not gitignore.exists():
                _write_atomic(gitignore, b"# Created by fapcheck automatically.\n*\n")
            entries = {**self.entries, **self._load(), **self.changed}  # keep what a concurrent run added
            entries = {k: v for k, v in entries.items() if k in self.changed or os.path.exists(k)}
            _write_atomic(self.pack, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as error:
            return f"cannot write the cache in {self.directory}: {error.strerror or error}; continuing without it"
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
