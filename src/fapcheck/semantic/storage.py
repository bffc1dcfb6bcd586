"""Reading and writing stored facts: pickles that only build fapcheck's own data classes, written atomically.

The result cache and the workers' facts exchange share these; a blob that is corrupt or foreign reads as
absent, never as an error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import io
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fapcheck.semantic.symbols import ModuleFacts


class SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "fapcheck" or module.startswith("fapcheck."):
            value = getattr(sys.modules.get(module) or __import__(module, fromlist=[name]), name, None)
            if isinstance(value, type) and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)):
                return value
        if module == "pathlib" and name in ("Path", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"):
            return getattr(__import__("pathlib"), name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def unpickle(blob: bytes) -> object:
    """What a blob holds, read with the unpickler that only builds fapcheck's own data classes; None if corrupt."""
    try:
        return SafeUnpickler(io.BytesIO(blob)).load()
    except Exception:  # corrupt or foreign: the caller treats it as absent
        return None


def load_facts(blob: bytes) -> ModuleFacts | None:
    """Stored facts, or None when the blob is corrupt or foreign."""
    from fapcheck.semantic.symbols import ModuleFacts  # not imported by a run that reads no facts

    loaded = unpickle(blob)
    return loaded if isinstance(loaded, ModuleFacts) else None


def write_atomic(path: Path, data: bytes) -> None:
    import tempfile  # not imported by a run that writes nothing

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
