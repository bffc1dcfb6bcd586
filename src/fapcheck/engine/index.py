"""Project facts: which modules belong to the project, where they live, their layers.

Module lookups go to the disk lazily (a few cached `stat` calls), so the index
works the same when only some files are passed, as pre-commit does, and costs
nothing for a run that never asks.
"""

from __future__ import annotations

import os
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
        self._roots: list[Path] = [self.root]
        src = self.root / "src"
        if self._dir(src):
            self._roots.append(src)
        self._located: dict[str, ModuleLocation | None] = {}

    # ---------------------------------------------------------- file system

    def _file(self, path: Path) -> bool:
        key = str(path)
        known = self._is_file.get(key)
        if known is None:
            known = self._is_file[key] = os.path.isfile(key)
        return known

    def _dir(self, path: Path) -> bool:
        key = str(path)
        known = self._is_dir.get(key)
        if known is None:
            known = self._is_dir[key] = os.path.isdir(key)
        return known

    # ---------------------------------------------------------- module names

    def module_name_for(self, path: Path) -> tuple[str, bool]:
        """(dotted module name, is a package) of a file; registers its source root."""
        absolute = Path(os.path.abspath(path))
        is_package = absolute.stem == "__init__"
        parts: list[str] = [] if is_package else [absolute.stem]
        directory = absolute.parent
        if self._file(directory / "__init__.py"):
            while self._file(directory / "__init__.py"):
                parts.insert(0, directory.name)
                directory = directory.parent
            if directory not in self._roots:
                self._roots.append(directory)
            return ".".join(parts), is_package
        for base in sorted(self._roots, key=lambda p: len(p.parts), reverse=True):
            try:
                relative = directory.relative_to(base)
            except ValueError:
                continue
            return ".".join([*relative.parts, *parts]), is_package
        return ".".join(parts), is_package

    def locate(self, module: str) -> ModuleLocation | None:
        """Find a project module by dotted name; None for third-party and standard modules."""
        if module in self._located:
            return self._located[module]
        found: ModuleLocation | None = None
        if module and all(part.isidentifier() for part in module.split(".")):
            relative = Path(*module.split("."))
            for base in self._roots:
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
        self._located[module] = found
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
