"""What a job group asks of the cluster.

A timed group (``Suite.needs_quiet_machine``) asks for all of a node's ``bench_node`` and
all its CPUs, so nothing else of bench runs on that node meanwhile; an untimed group asks
for a sliver of ``bench_node`` and its threads' CPUs, so several may share a node. A group
of a suite that can use a GPU (``Suite.uses_gpu``) asks for one where the type has one. The
nodes are named by id (``ray.io/node-id`` in a label selector): the group runs on one of its
type's nodes still alive, never on the node that lost an earlier attempt.
"""

from __future__ import annotations

from typing import Any

from bench.run.cluster.nodes import BENCH_RESOURCE, Node
from harness.suite import Suite

SHARED_SLICE = 0.01  # an untimed group's share of bench_node: up to 100 beside each other


def group_options(suite: Suite, nodes: list[Node], threads: int) -> dict[str, Any]:
    """Ray task options for one group of ``suite`` on any of ``nodes`` (one type)."""
    cpus = min(n.cpus for n in nodes)
    timed = suite.needs_quiet_machine
    options: dict[str, Any] = {
        "num_cpus": cpus if timed else min(threads, cpus),
        "resources": {BENCH_RESOURCE: 1.0 if timed else SHARED_SLICE},
        "label_selector": {"ray.io/node-id": f"in({','.join(n.node_id for n in nodes)})"},
        "max_retries": 0,  # the driver retries a lost group itself, once, elsewhere
    }
    if suite.uses_gpu and min(n.gpus for n in nodes) >= 1:
        options["num_gpus"] = 1
    return options


def pinned(node: Node) -> dict[str, Any]:
    """Ray task options for a small chore on exactly ``node`` (a survey, a clean-up)."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    return {"num_cpus": 0, "max_retries": 0,
            "scheduling_strategy": NodeAffinitySchedulingStrategy(node.node_id, soft=False)}
