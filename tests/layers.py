"""The import rules of the project, read from the source: every ``import`` and ``from ...
import`` statement of every module, the ones inside functions included (that is where the
code imports torch and most of its own heavy parts, so a rule that skipped them would skip
most of the edges).

- Layers import downward only: ``bench`` → ``suites`` → ``harness`` → ``models_registry``.
- A suite package never imports another suite package (what two suites share lives in
  ``harness``).
- Inside each top-level package, its children (subpackages and modules) depend on each
  other without a cycle, and no two modules import each other, directly or round a loop.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

LAYERS = ("models_registry", "harness", "suites", "bench")  # bottom first
ISOLATED_CHILDREN = {"suites"}  # whose child packages never import each other


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module (the deepest one that exists)
    where: str  # file:line

    def __str__(self) -> str:
        return f"{self.where}: {self.source} imports {self.target}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            found[module_name(root, path)] = path
    return found


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The deepest project module that ``name`` names (``a.b.func`` → ``a.b``)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_edges(root: Path) -> list[Edge]:
    """Every import between project modules, function-level ones included."""
    modules = project_modules(root)
    edges: list[Edge] = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                resolved = _resolve(target, modules)
                if resolved and resolved != name:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    edges.append(Edge(name, resolved, where))
    return edges


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def _child(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def upward(edges: list[Edge]) -> list[Edge]:
    return [e for e in edges if _layer(e.target) > _layer(e.source)]


def sideways(edges: list[Edge]) -> list[Edge]:
    """Between two child packages of an isolated package (one suite importing another)."""
    return [e for e in edges
            if e.source.split(".")[0] in ISOLATED_CHILDREN
            and e.source.split(".")[0] == e.target.split(".")[0]
            and None not in (_child(e.source), _child(e.target))
            and _child(e.source) != _child(e.target)]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def module_cycles(edges: list[Edge]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        graph[e.source].add(e.target)
    return _cycles(graph)


def child_cycles(edges: list[Edge]) -> list[list[str]]:
    """Cycles between the children of one top-level package (e.g. accuracy ↔ backends)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        top, child, target_child = e.source.split(".")[0], _child(e.source), _child(e.target)
        if top == e.target.split(".")[0] and child and target_child and child != target_child:
            graph[f"{top}.{child}"].add(f"{top}.{target_child}")
    return _cycles(graph)


def violations(root: Path) -> list[str]:
    """Every broken rule, one line each; empty when the layering holds."""
    edges = import_edges(root)
    lines = [f"upward: {e}" for e in upward(edges)]
    lines += [f"sideways: {e}" for e in sideways(edges)]
    lines += [f"package cycle: {' <-> '.join(c)}" for c in child_cycles(edges)]
    lines += [f"module cycle: {' <-> '.join(c)}" for c in module_cycles(edges)]
    return list(dict.fromkeys(lines))
