"""Project facts: which modules belong to the project, where they live, their layers.

Module lookups go to the disk lazily (a few cached `stat` calls), so the index
works the same when only some files are passed, as pre-commit does, and costs
nothing for a run that never asks.

Every answer about the disk can be recorded while one file is checked
(`record`/`recorded`): the result cache stores these probes with the file's
findings and replays them on a hit (`still_holds`), so a finding that depends
on another module (its existence, its layer) is re-checked when that changes.
Facts about other modules that later enter a file's result must be recorded
the same way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fapcheck.layers import LayerDecision, LayerMap

if TYPE_CHECKING:
    from fapcheck.engine.context import Binding


@dataclass(frozen=True, slots=True)
class ModuleLocation:
    name: str
    path: Path  # the file, or the directory of a namespace package
    layer: LayerDecision


class ProjectIndex:
    def __init__(self, root: Path, layer_map: LayerMap) -> None:
        self.root = Path(os.path.abspath(root))
        self.layer_map = layer_map
        self._is_file: dict[str, bool] = {}
        self._is_dir: dict[str, bool] = {}
        self._probes: dict[str, bool] | None = None
        self._roots: list[Path] = [self.root]
        src = self.root / "src"
        if self._dir(src):
            self._roots.append(src)
        # The source root of the file being checked, when it is not one of the above: imports are
        # resolved from it, as Python would, and never from roots other files happened to register
        # (so a file's findings do not depend on the order or the process it is checked in).
        self._file_root: Path | None = None
        self._located: dict[tuple[Path | None, str], tuple[ModuleLocation | None, dict[str, bool]]] = {}

    # ---------------------------------------------------------- file system

    def _file(self, path: Path) -> bool:
        key = str(path)
        known = self._is_file.get(key)
        if known is None:
            known = self._is_file[key] = os.path.isfile(key)
        if self._probes is not None:
            self._probes["f" + key] = known
        return known

    def _dir(self, path: Path) -> bool:
        key = str(path)
        known = self._is_dir.get(key)
        if known is None:
            known = self._is_dir[key] = os.path.isdir(key)
        if self._probes is not None:
            self._probes["d" + key] = known
        return known

    # ---------------------------------------------------------- dependencies

    def record(self) -> None:
        """Start recording what the disk answered, for one file."""
        self._probes = {}

    def recorded(self) -> tuple[tuple[str, bool], ...]:
        """Stop recording; the probes made since `record`, as ('f' or 'd' + path, answer)."""
        probes, self._probes = self._probes or {}, None
        return tuple(sorted(probes.items()))

    def still_holds(self, probes: Iterable[tuple[str, bool]]) -> bool:
        """Whether the disk still answers as recorded (each path is asked once per run)."""
        for probe, answer in probes:
            path = Path(probe[1:])
            if (self._file(path) if probe[0] == "f" else self._dir(path)) != answer:
                return False
        return True

    # ---------------------------------------------------------- module names

    def module_name_for(self, path: Path) -> tuple[str, bool]:
        """(dotted module name, is a package) of a file; imports are then resolved from its source root."""
        absolute = Path(os.path.abspath(path))
        is_package = absolute.stem == "__init__"
        parts: list[str] = [] if is_package else [absolute.stem]
        directory = absolute.parent
        if self._file(directory / "__init__.py"):
            while self._file(directory / "__init__.py"):
                parts.insert(0, directory.name)
                directory = directory.parent
            self._file_root = None if directory in self._roots else directory
            return ".".join(parts), is_package
        self._file_root = None
        for base in sorted(self._roots, key=lambda p: len(p.parts), reverse=True):
            try:
                relative = directory.relative_to(base)
            except ValueError:
                continue
            return ".".join([*relative.parts, *parts]), is_package
        return ".".join(parts), is_package

    def locate(self, module: str) -> ModuleLocation | None:
        """Find a project module by dotted name; None for third-party and standard modules."""
        key = (self._file_root, module)
        known = self._located.get(key)
        if known is not None:
            if self._probes is not None:
                self._probes.update(known[1])
            return known[0]
        outer, self._probes = self._probes, {}
        try:
            found = self._find(module)
        finally:
            probes, self._probes = self._probes, outer
        self._located[key] = (found, probes)
        if outer is not None:
            outer.update(probes)
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
                        found = ModuleLocation(module, path, self.layer_map.layer_for(path))
                        break
                else:
                    if self._dir(candidate) and not _is_excluded_dir(candidate):
                        found = ModuleLocation(module, candidate, self.layer_map.layer_for(candidate / "__init__.py"))
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

    def binding_for(self, qualname: str) -> Binding | None:
        """What a module-level name of another project module is, when known (no facts yet)."""
        return None


def _is_excluded_dir(path: Path) -> bool:
    return path.name in {"site-packages", "node_modules", "__pycache__"}
