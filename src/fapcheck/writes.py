"""Replacing a file without losing what was there: its content on a concurrent edit, its kind, its metadata.

Every file fapcheck writes for a user (fixed sources, baselines, reports) goes through `replace_file`: a
temporary file in the same directory, renamed over the target, so a reader never sees half a file and a
crash leaves the old one. Only regular files are replaced: a FIFO, a device or a directory is refused,
and a symbolic link is refused or written through to its target, as the caller asks, never replaced by a
copy. The replaced file keeps its permissions, owner and extended attributes where the platform allows;
a new file gets the permissions `open()` would give it (0666 less the umask), not `mkstemp`'s 0600.

Nothing here knows a rule, the engine or the CLI.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Literal


class WriteRefused(OSError):
    """The path is not a regular file fapcheck may replace; the message says what it is."""


class ChangedOnDisk(WriteRefused):
    """The file no longer holds the content it was read with: someone edited it meanwhile."""


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words: 'a FIFO', 'a directory'..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def write_target(path: Path, symlinks: Literal["refuse", "follow"]) -> tuple[Path, os.stat_result | None]:
    """The file a write to `path` replaces, with its stat (None: it does not exist yet).

    Raises `WriteRefused` for a symbolic link when `symlinks` is "refuse", for a link that leads nowhere,
    and for anything that is not a regular file."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return path, None
    if stat.S_ISLNK(found.st_mode):
        if symlinks == "refuse":
            raise WriteRefused(f"{path}: is a symbolic link; name the file it points to")
        target = Path(os.path.realpath(path))
        try:
            found = os.stat(target)
        except OSError:
            raise WriteRefused(f"{path}: is a symbolic link to a file that cannot be reached") from None
        path = target
    if not stat.S_ISREG(found.st_mode):
        raise WriteRefused(f"{path}: is {kind_of(found.st_mode)}, not a regular file")
    return path, found


def replace_file(
    path: Path, data: bytes, *, symlinks: Literal["refuse", "follow"] = "refuse", expected: bytes | None = None
) -> Path:
    """Write `data` to `path` atomically; the path written (a followed link's target).

    With `expected`, the file must still hold exactly those bytes just before the rename, else
    `ChangedOnDisk` is raised and nothing is written (an edit made while fapcheck ran is never lost; the
    window left is the instant between that comparison and the rename). Raises `WriteRefused` as
    `write_target` does, and `OSError` when the directory cannot be written."""
    target, before = write_target(path, symlinks)
    directory = target.parent if str(target.parent) else Path(".")
    with _signals_held():
        return _replace(target, before, directory, data, path, expected)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait (blocked, not lost) while a file is replaced: a process ended then ends
    after the rename or before the temporary file exists, never leaving it behind or the file half done."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def _replace(
    target: Path, before: os.stat_result | None, directory: Path, data: bytes, path: Path, expected: bytes | None
) -> Path:
    import tempfile  # not imported by a run that writes nothing

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if before is None:
            os.chmod(temporary, 0o666 & ~_umask())
        else:
            _copy_metadata(before, target, temporary)
        if expected is not None and not _still_holds(target, before, expected):
            raise ChangedOnDisk(f"{path}: changed on disk while fapcheck ran")
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target


def _still_holds(target: Path, before: os.stat_result | None, expected: bytes) -> bool:
    try:
        now = os.stat(target)
        current = target.read_bytes()
    except OSError:
        return False
    same_file = before is None or (now.st_ino, now.st_dev) == (before.st_ino, before.st_dev)
    return same_file and current == expected


def _copy_metadata(before: os.stat_result, target: Path, temporary: str) -> None:
    """Permissions, owner and extended attributes of the file being replaced, onto its replacement."""
    chown = getattr(os, "chown", None)
    if chown is not None:
        with contextlib.suppress(OSError):  # only root may give a file away; the group may still be kept
            chown(temporary, before.st_uid, before.st_gid)
    listxattr = getattr(os, "listxattr", None)
    try:
        names = listxattr(target) if listxattr is not None else []
    except OSError:
        names = []
    for name in names:
        with contextlib.suppress(OSError):  # a namespace this process may not write (trusted.*, security.*)
            os.setxattr(temporary, name, os.getxattr(target, name))
    # Last: a change of owner clears set-user-ID bits, and some attributes describe the mode as it ends up.
    os.chmod(temporary, stat.S_IMODE(before.st_mode))


def _umask() -> int:
    try:  # Linux says it without changing it
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
