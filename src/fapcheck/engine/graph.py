"""The import graph between layers (or modules), with the edges the layer rules forbid."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fapcheck.catalog import LAYERS, REPOSITORY, ROUTE, UNMAPPED
from fapcheck.config import Config
from fapcheck.rules.fap102_import_points_up_the_stack import FORBIDDEN
from fapcheck.semantic.context import FileContext
from fapcheck.semantic.index import ProjectIndex
from fapcheck.semantic.parsing import parse_file
from fapcheck.semantic.walk import walk


def forbidden_rule(source: str, target: str) -> str | None:
    """The rule an import from layer `source` to layer `target` breaks, if any."""
    if source == ROUTE and target == REPOSITORY:
        return "FAP101"
    if target in FORBIDDEN.get(source, frozenset()):
        return "FAP102"
    return None


@dataclass(slots=True)
class ImportGraph:
    modules: dict[str, str] = field(default_factory=dict)  # module -> layer
    edges: Counter[tuple[str, str]] = field(default_factory=Counter)  # (module, module) -> imports

    def layer_nodes(self) -> Counter[str]:
        return Counter(self.modules.values())

    def layer_edges(self) -> Counter[tuple[str, str]]:
        counts: Counter[tuple[str, str]] = Counter()
        for (source, target), count in self.edges.items():
            counts[(self.modules[source], self.modules[target])] += count
        return counts


def build_graph(projects: Iterable[tuple[Config, Sequence[Path]]]) -> ImportGraph:
    """Parse each file once with the context tracker only, under its project's configuration;
    unparsable files are left out."""
    graph = ImportGraph()
    for config, files in projects:
        _add_project(graph, files, config)
    return graph


def _add_project(graph: ImportGraph, files: Sequence[Path], config: Config) -> None:
    layer_map = config.layer_map()
    index = ProjectIndex(config.root, layer_map, config.src)
    for path in files:
        module_name, is_package = index.module_name_for(path)
        layer = index.layer_of(path).layer
        graph.modules[module_name] = layer
        module = parse_file(path)
        if module is None:
            continue  # `fapcheck check` reports it as FAP001
        ctx = FileContext(str(path), layer, module_name, is_package, index)
        walk(module, ctx.enter, ctx.leave)
        for item in ctx.imports:
            if item.type_checking or not item.module:
                continue
            location = index.locate_import(item.module, item.name)
            if location is not None and location.name != module_name:
                graph.modules.setdefault(location.name, location.layer.layer)
                graph.edges[(module_name, location.name)] += 1


def _id(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)


_ORDER = {layer: i for i, layer in enumerate((*LAYERS, UNMAPPED))}


def _rank(layer: str) -> tuple[int, str]:
    return (_ORDER.get(layer, len(_ORDER)), layer)


def _ordered_layers(names: Iterable[str]) -> list[str]:
    return sorted(names, key=_rank)


def to_mermaid(graph: ImportGraph, modules: bool = False) -> str:
    lines = ["flowchart TD"]
    nodes, edges, layer_of = _view(graph, modules)
    for node, label in nodes:
        lines.append(f'    {_id(node)}["{label}"]')
    red: list[int] = []
    for index, (source, target, count, rule) in enumerate(edges):
        label = f"{rule}: {count}" if rule else str(count)
        lines.append(f'    {_id(source)} -->|"{label}"| {_id(target)}')
        if rule:
            red.append(index)
    if red:
        lines.append(f"    linkStyle {','.join(map(str, red))} stroke:#d00,stroke-width:2px,color:#d00")
    for layer in _ordered_layers(set(layer_of.values())):
        members = [_id(m) for m, lay in sorted(layer_of.items()) if lay == layer]
        lines.append(f"    classDef {layer} fill:{_COLOURS.get(layer, '#eeeeee')},stroke:#555")
        lines.append(f"    class {','.join(members)} {layer}")
    return "\n".join(lines) + "\n"


def to_dot(graph: ImportGraph, modules: bool = False) -> str:
    lines = ["digraph fapcheck {", "    rankdir=TB;", '    node [shape=box, style="rounded,filled"];']
    nodes, edges, layer_of = _view(graph, modules)
    for node, label in nodes:
        colour = _COLOURS.get(layer_of.get(node, node), "#eeeeee")
        lines.append(f'    "{node}" [label="{label}", fillcolor="{colour}"];')
    for source, target, count, rule in edges:
        if rule:
            lines.append(f'    "{source}" -> "{target}" [label="{rule}: {count}", color=red, fontcolor=red];')
        else:
            lines.append(f'    "{source}" -> "{target}" [label="{count}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


_COLOURS = {
    "route": "#dbeafe",
    "service": "#dcfce7",
    "repository": "#fef9c3",
    "schema": "#f3e8ff",
    "model": "#ffedd5",
    "dependency": "#e0f2fe",
    "unmapped": "#f3f4f6",
}


def _view(
    graph: ImportGraph, modules: bool
) -> tuple[list[tuple[str, str]], list[tuple[str, str, int, str | None]], dict[str, str]]:
    if modules:
        connected = {m for edge in graph.edges for m in edge}
        nodes = [(m, f"{m} ({graph.modules[m]})") for m in sorted(connected)]
        edges = [
            (s, t, count, forbidden_rule(graph.modules[s], graph.modules[t]))
            for (s, t), count in sorted(graph.edges.items())
        ]
        return nodes, edges, {m: graph.modules[m] for m in connected}
    counts = graph.layer_nodes()
    layer_nodes = [
        (layer, f"{layer} ({counts[layer]} file{'s' if counts[layer] != 1 else ''})")
        for layer in _ordered_layers(counts)
    ]
    ordered = sorted(graph.layer_edges().items(), key=lambda item: (_rank(item[0][0]), _rank(item[0][1])))
    layer_edges = [(s, t, count, forbidden_rule(s, t)) for (s, t), count in ordered if s != t]
    return layer_nodes, layer_edges, {layer: layer for layer, _ in layer_nodes}
