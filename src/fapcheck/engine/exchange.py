"""Module facts shared by the worker processes of one run.

Each worker reads the facts of the project modules its files import. Without
sharing, every worker would parse the same models and schemas again; with
it, the first worker to parse a module leaves its facts in a private
temporary directory for the others. Entries are keyed by file, module name,
layer and content digest, written atomically, and read with the result
cache's safe unpickler; a missing or unreadable entry only means a parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path

from fapcheck.engine.symbols import ModuleFacts


class FactsExchange:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _entry(self, path: str, module: str, layer: str, digest: bytes) -> Path:
        key = hashlib.blake2b(f"{path}\0{module}\0{layer}".encode("utf-8", "surrogateescape") + digest, digest_size=16)
        return self.directory / f"{key.hexdigest()}.pickle"

    def get(self, path: str, module: str, layer: str, digest: bytes) -> ModuleFacts | None:
        from fapcheck.engine.cache import load_facts

        try:
            blob = self._entry(path, module, layer, digest).read_bytes()
        except OSError:
            return None
        return load_facts(blob)

    def put(self, path: str, digest: bytes, facts: ModuleFacts) -> None:
        from fapcheck.engine.cache import write_atomic

        entry = self._entry(path, facts.module, facts.layer, digest)
        if not entry.exists():
            with contextlib.suppress(OSError):
                write_atomic(entry, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))
