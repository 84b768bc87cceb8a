"""The nodes of a Ray cluster that take bench jobs, their types, and the user's selection.

A node takes bench jobs when it declares the custom resource ``bench_node: 1`` (once per
node: a timed group asks for all of it, so it has the node to itself). Its type is the
value of its ``bench-node-type`` label, else of ``ray.io/node-group`` (KubeRay's worker group
name), else ``default``: each type is one kind of machine and gets its own results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

BENCH_RESOURCE = "bench_node"
TYPE_LABELS = ("bench-node-type", "ray.io/node-group")
DEFAULT_TYPE = "default"
START_HINT = ("start one with `ray start --head --resources='{\"bench_node\": 1}'` (a laptop "
              "cluster; see docs/cluster.md for KubeRay and Slurm), or pass --ray-address "
              "HOST:PORT of a running cluster")


class ClusterError(RuntimeError):
    """The cluster cannot run this matrix; the message names what is wrong and the fix."""


@dataclass(frozen=True)
class Node:
    node_id: str
    address: str
    labels: dict[str, str] = field(default_factory=dict)
    cpus: int = 0
    gpus: int = 0
    memory_mib: float = 0.0

    @property
    def node_type(self) -> str:
        return next((self.labels[k] for k in TYPE_LABELS if self.labels.get(k)), DEFAULT_TYPE)


def bench_nodes(raw: list[dict]) -> list[Node]:
    """The alive nodes that declare ``bench_node`` (``ray.nodes()`` entries)."""
    nodes = []
    for entry in raw:
        resources = entry.get("Resources") or {}
        if not entry.get("Alive") or resources.get(BENCH_RESOURCE, 0) < 1:
            continue
        nodes.append(Node(
            node_id=entry["NodeID"], address=entry.get("NodeManagerAddress", "?"),
            labels={k: str(v) for k, v in (entry.get("Labels") or {}).items()},
            cpus=int(resources.get("CPU", 0)), gpus=int(resources.get("GPU", 0)),
            memory_mib=float(resources.get("memory", 0)) / 2**20,
        ))
    return nodes


def parse_labels(items: list[str]) -> dict[str, str]:
    """``["KEY=VALUE", ...]`` → a label selector; every node it picks has all of them."""
    selector = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ClusterError(f"--node-labels {item!r}: expected KEY=VALUE, e.g. "
                               "--node-labels bench-node-type=xeon")
        selector[key.strip()] = value.strip()
    return selector


def _describe(nodes: list[Node]) -> str:
    kinds = by_type(nodes)
    return "; ".join(f"{kind} ({len(group)} node{'s' * (len(group) > 1)}: labels "
                     f"{_labels(group[0])}, {group[0].cpus} CPUs)"
                     for kind, group in sorted(kinds.items())) or "none"


def _labels(node: Node) -> str:
    shown = {k: v for k, v in node.labels.items() if not k.startswith("ray.io/node-id")}
    return ", ".join(f"{k}={v}" for k, v in sorted(shown.items())) or "none"


def select(nodes: list[Node], selector: dict[str, str], address: str) -> list[Node]:
    """The nodes whose labels hold every ``selector`` pair; an error before any job starts
    when there are none, listing what the cluster has."""
    if not nodes:
        raise ClusterError(f"the Ray cluster at {address} has no node declaring "
                           f"{BENCH_RESOURCE!r}; {START_HINT}, or add "
                           f"--resources='{{\"{BENCH_RESOURCE}\": 1}}' to each node's `ray start`")
    chosen = [n for n in nodes if all(n.labels.get(k) == v for k, v in selector.items())]
    if not chosen:
        wanted = ", ".join(f"{k}={v}" for k, v in selector.items())
        raise ClusterError(f"no bench node of the cluster at {address} has the labels "
                           f"{wanted}; its node types: {_describe(nodes)}")
    return chosen


def by_type(nodes: list[Node]) -> dict[str, list[Node]]:
    kinds: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        kinds[node.node_type].append(node)
    return dict(kinds)


def node_types(nodes: list[Node], each_node_type: bool) -> dict[str, list[Node]]:
    """The types to run the matrix on: every type with ``--each-node-type``, else the one
    type the selection holds (timings from two kinds of machine never share a run)."""
    kinds = by_type(nodes)
    if len(kinds) > 1 and not each_node_type:
        raise ClusterError(f"the selected nodes are of {len(kinds)} types: {_describe(nodes)}; "
                           "pick one with --node-labels KEY=VALUE, or pass --each-node-type "
                           "to run the matrix once on every type")
    return kinds


def type_threads(kind: str, nodes: list[Node], requested: int | None) -> int:
    """Threads for a type's jobs: ``--threads`` when given, else the CPUs its nodes offer
    (the fewest, when they differ)."""
    offered = min(n.cpus for n in nodes)
    if offered < 1:
        raise ClusterError(f"node type {kind!r} offers no CPU to Ray; start its nodes with "
                           "--num-cpus N")
    if requested is not None and requested > offered:
        raise ClusterError(f"--threads {requested}: node type {kind!r} offers {offered} CPUs "
                           "per node; pass at most that, or leave --threads out")
    return requested or offered
