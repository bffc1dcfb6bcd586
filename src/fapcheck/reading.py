"""Reading a user's file without blocking or reading for ever: only regular files are read.

A path may name a FIFO (reading it waits for a writer), a device (`/dev/zero` never ends) or a symbolic
link to either. `read_regular` opens without blocking, asks the opened file what it is, and reads only a
regular one; anything else is an `OSError` whose message says what it is. Nothing here knows a rule, the
engine or the CLI.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from fapcheck.writes import kind_of


def read_regular(path: str | Path) -> bytes:
    """The bytes of a regular file (a link followed). Raises `OSError` (`ENODEV`, "not a regular file: a
    FIFO") for anything else, and as `open` does for a file that cannot be read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            raise OSError(errno.ENODEV, f"not a regular file: {kind_of(found.st_mode)}", str(path))
        with os.fdopen(descriptor, "rb", closefd=True) as stream:
            descriptor = -1
            return stream.read()
    finally:
        if descriptor != -1:
            os.close(descriptor)
