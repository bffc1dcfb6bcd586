"""Project facts: which modules belong to the project, where they live, their layers.

Module lookups go to the disk lazily (a few cached `stat` calls), so the index
works the same when only some files are passed, as pre-commit does, and costs
nothing for a run that never asks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fapcheck.layers import LayerDecision, LayerMap

if TYPE_CHECKING:
    from fapcheck.engine.context import Binding
    from fapcheck.engine.facts import Definition, ModuleFacts, Param

_MAX_HOPS = 12  # re-export chains longer than this are not followed


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
        self._facts: dict[str, ModuleFacts | None] = {}
        self._bindings: dict[str, Binding | None] = {}
        self._definitions: dict[str, Definition | None] = {}

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

    # ---------------------------------------------------------- definitions

    def facts(self, module: str) -> ModuleFacts | None:
        """The top-level facts of a project module, parsed on first use (None: not a project module)."""
        if module in self._facts:
            return self._facts[module]
        from fapcheck.engine.facts import ModuleFacts, module_facts  # facts needs the context, which needs us

        location = self.locate(module)
        found: ModuleFacts | None = None
        if location is not None:
            layer = location.layer.layer
            if location.path.suffix in (".py", ".pyi"):
                try:
                    source = location.path.read_bytes()
                except OSError:
                    source = b""
                found = module_facts(location.path, source, module, location.path.stem == "__init__", layer)
            else:
                found = ModuleFacts(module, layer)
        self._facts[module] = found
        return found

    def binding_for(self, qualname: str) -> Binding | None:
        """What a module-level name of a project module is, followed through re-exports.

        Type names in the answer are canonical: `app.services.UserService`
        re-exported from `app.services.users` comes back as the latter.
        """
        if qualname in self._bindings:
            return self._bindings[qualname]
        self._bindings[qualname] = None  # a cycle of re-exports resolves to nothing
        found = self._binding(qualname, 0)
        self._bindings[qualname] = found
        return found

    def _binding(self, qualname: str, hops: int) -> Binding | None:
        module, _, name = qualname.rpartition(".")
        facts = self.facts(module) if module and hops < _MAX_HOPS else None
        binding = facts.name(name) if facts is not None else None
        if binding is None or binding.kind == "local":
            return None
        if binding.kind == "import" and binding.depends is None and binding.qualname != qualname:
            followed = self._binding(binding.qualname, hops + 1)
            if followed is not None:
                return followed
        if binding.kind in ("import", "instance") and binding.qualname:
            return replace(binding, qualname=self.canonical(binding.qualname, hops + 1))
        return binding

    def canonical(self, qualname: str, hops: int = 0) -> str:
        """The defining name of a project class, function or alias target reached through re-exports."""
        seen = {qualname}
        while hops < _MAX_HOPS:
            module, _, name = qualname.rpartition(".")
            facts = self.facts(module) if module else None
            binding = facts.name(name) if facts is not None else None
            if binding is None or binding.kind != "import" or binding.depends is not None:
                break
            if binding.qualname in seen:
                break
            qualname = binding.qualname
            seen.add(qualname)
            hops += 1
        return qualname

    def definition(self, qualname: str) -> Definition | None:
        """The class or function a qualified name refers to, with its layer and parameters.

        Parameter types given by project aliases (`SessionDep`) are resolved to
        the aliased type and its provider.
        """
        if qualname in self._definitions:
            return self._definitions[qualname]
        self._definitions[qualname] = None
        canonical = self.canonical(qualname)
        module = canonical.rpartition(".")[0]
        facts = self.facts(module) if module else None
        found = facts.definition(canonical) if facts is not None else None
        if found is not None:
            found = replace(found, params=tuple(self.resolved_param(p) for p in found.params))
        self._definitions[qualname] = found
        return found

    def resolved_param(self, param: Param) -> Param:
        if param.type is None or "." not in param.type:
            return param
        alias = self.binding_for(param.type)
        if alias is None or alias.kind != "import":
            return param
        return replace(
            param, type=alias.qualname, depends=param.depends if param.depends is not None else alias.depends
        )


def _is_excluded_dir(path: Path) -> bool:
    return path.name in {"site-packages", "node_modules", "__pycache__"}
