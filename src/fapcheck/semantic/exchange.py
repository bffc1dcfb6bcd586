"""Module facts shared by the worker processes of one run.

Each worker reads the facts of the project modules its files import (and,
for FAP406, the function facts of the modules their calls lead to). Without
sharing, every worker would parse the same models and schemas again; with
it, the first worker to parse a module leaves its facts in a private
temporary directory for the others. Entries are keyed by file, module name,
layer and content digest, written atomically, and read with the result
cache's safe unpickler; a missing or unreadable entry only means a parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

from fapcheck.semantic.storage import unpickle
from fapcheck.semantic.symbols import FunctionFacts, ModuleFacts


class FactsExchange:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _entry(self, kind: str, path: str, module: str, layer: str, digest: bytes) -> Path:
        text = f"{kind}\0{path}\0{module}\0{layer}".encode("utf-8", "surrogateescape")
        return self.directory / f"{hashlib.blake2b(text + digest, digest_size=16).hexdigest()}.pickle"

    def _read(self, entry: Path) -> object:
        try:
            blob = entry.read_bytes()
        except OSError:
            return None
        return unpickle(blob)

    def _write(self, entry: Path, value: object) -> None:
        if entry.exists():
            return
        # The directory is this run's alone and each process writes under its own name: no random name
        # needed for the file that is renamed into place.
        temporary = entry.with_name(f".{os.getpid()}-{entry.name}")
        with contextlib.suppress(OSError):
            temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, entry)

    def get(self, path: str, module: str, layer: str, digest: bytes) -> ModuleFacts | None:
        """A module's top-level facts."""
        found = self._read(self._entry("module", path, module, layer, digest))
        return found if isinstance(found, ModuleFacts) else None

    def put(self, path: str, digest: bytes, facts: ModuleFacts) -> None:
        self._write(self._entry("module", path, facts.module, facts.layer, digest), facts)

    def get_functions(self, path: str, module: str, digest: bytes) -> dict[str, FunctionFacts] | None:
        """The function facts FAP406 follows calls through."""
        found = self._read(self._entry("functions", path, module, "", digest))
        if isinstance(found, dict) and all(isinstance(value, FunctionFacts) for value in found.values()):
            return found
        return None

    def put_functions(self, path: str, module: str, digest: bytes, facts: dict[str, FunctionFacts]) -> None:
        self._write(self._entry("functions", path, module, "", digest), facts)
