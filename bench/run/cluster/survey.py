"""Before any job: every selected node answers, runs the driver's code and key packages.

A node whose torch differs from the driver's would store results under job keys the driver
never looks for (a resumed run would redo them), and a node on another commit measures other
code: both stop the run here, naming the node and the difference.
"""

from __future__ import annotations

from typing import Any

from bench.run.cluster.nodes import ClusterError, Node

SURVEY_TIMEOUT_S = 120.0  # a node's first Ray worker imports this package: seconds, not minutes


def survey(nodes: list[Node]) -> dict[str, dict[str, Any]]:
    """Each node's :func:`bench.run.cluster.node_task.describe`, by node id."""
    import ray

    from bench.run.cluster.node_task import describe
    from bench.run.cluster.placement import pinned

    remote = ray.remote(describe)
    refs = {node.node_id: remote.options(**pinned(node)).remote() for node in nodes}
    _, late = ray.wait(list(refs.values()), num_returns=len(refs), timeout=SURVEY_TIMEOUT_S)
    if late:
        missing = [n.address + " " + n.node_id[:12] for n in nodes if refs[n.node_id] in late]
        for ref in late:
            ray.cancel(ref, force=True)
        raise ClusterError(f"node(s) {', '.join(missing)} did not answer within "
                           f"{SURVEY_TIMEOUT_S:g} s; check them with `ray status`")
    found = {}
    for node in nodes:
        try:
            found[node.node_id] = ray.get(refs[node.node_id])
        except ray.exceptions.RayError as exc:
            raise ClusterError(f"node {node.address} {node.node_id[:12]} cannot run bench "
                               f"({str(exc).strip().splitlines()[-1][:300]}); install this "
                               "package there (pip install -e . in the same checkout)") from None
    return found


def check_same_code(found: dict[str, dict[str, Any]], driver_git: dict, driver_versions: dict,
                    key_packages: tuple[str, ...]) -> list[str]:
    """What differs between each node and the driver: the commit, and the versions of the
    packages that job keys hash."""
    problems = []
    for node_id, facts in sorted(found.items()):
        who = f"node {facts['hostname']} ({node_id[:12]})"
        sha = (facts.get("git") or {}).get("sha")
        if sha != driver_git.get("sha"):
            problems.append(f"{who} runs commit {sha} but the driver {driver_git.get('sha')}")
        versions = facts["environment"].get("packages") or {}
        for package in key_packages:
            if versions.get(package) != driver_versions.get(package):
                problems.append(f"{who} has {package} {versions.get(package)} but the driver "
                                f"{driver_versions.get(package)}")
    return problems
