"""``bench run --executor ray``: connect, survey, plan each node type, run, clean up."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bench.run.cluster.executor import TypePlan, execute_on_ray
from bench.run.cluster.nodes import (
    ClusterError,
    Node,
    bench_nodes,
    node_types,
    parse_labels,
    type_threads,
)
from bench.run.cluster.nodes import select as select_nodes
from bench.run.interrupt import Interrupted
from bench.run.jobs import JobSpec
from harness.data.errors import DataError
from harness.records.paths import path_part

DEFAULT_RUN_ID = "ray"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("running on a Ray cluster (docs/cluster.md)")
    group.add_argument("--executor", choices=("local", "ray"), default="local",
                       help="local: this machine (default); ray: the nodes of a Ray cluster "
                       "that declare the resource bench_node (pip install -e '.[ray]')")
    group.add_argument("--ray-address", help="the cluster's HOST:PORT (default: $RAY_ADDRESS, "
                       "else the cluster started on this machine)")
    group.add_argument("--node-labels", nargs="+", metavar="KEY=VALUE", default=[],
                       help="only nodes with all these Ray node labels")
    group.add_argument("--each-node-type", action="store_true",
                       help="run the matrix once on every node type selected (label "
                       "bench-node-type, else ray.io/node-group): one run, and one leaderboard "
                       "section, per type")


def misused(args: argparse.Namespace) -> str | None:
    """Ray flags given to a local run, or a combination that means nothing."""
    if args.executor == "ray":
        return "--shard splits a matrix over machines by hand; with --executor ray the " \
            "cluster places the jobs: use one or the other" if args.shard else None
    given = [flag for flag, value in (("--ray-address", args.ray_address),
                                      ("--node-labels", args.node_labels),
                                      ("--each-node-type", args.each_node_type)) if value]
    return f"{', '.join(given)} need --executor ray" if given else None


def run_on_ray(args: argparse.Namespace, plan: Callable[[int], list[JobSpec]],
               problems: Callable[[list[JobSpec]], list[str]]) -> int:
    """Plan per node type with ``plan(threads)``, check with ``problems`` and run."""
    try:
        import ray
    except ImportError:
        print("bench run: --executor ray needs Ray on this machine and every node: "
              "pip install -c constraints.txt -e '.[ray]'", file=sys.stderr)
        return 2

    from bench.run.cluster.connect import connect

    try:
        selector = parse_labels(args.node_labels)
        address = connect(args.ray_address)
    except ClusterError as exc:
        print(f"bench run: {exc}", file=sys.stderr)
        return 2
    try:
        try:
            plans = _plans(args, plan, select_nodes(bench_nodes(ray.nodes()), selector, address))
            wrong = _problems(plans, problems)
        except (ClusterError, KeyError, ValueError, FileNotFoundError, DataError) as exc:
            print(f"bench run: {exc}", file=sys.stderr)
            return 2
        if wrong:
            print("bench run: nothing was run; fix these first:", file=sys.stderr)
            for problem in dict.fromkeys(wrong):
                print(f"  - {problem}", file=sys.stderr)
            return 2
        for t in plans:
            print(f"node type {t.node_type}: {len(t.nodes)} node(s), {t.threads} threads, "
                  f"{len(t.jobs)} jobs → run {t.store.run_id}", file=sys.stderr)
        try:
            reports = execute_on_ray(plans, force=args.force,
                                     show_progress=not args.no_progress)
        except SystemError as exc:  # Ctrl-C inside Ray's C++ code arrives wrapped in one
            if isinstance(exc.__cause__ or exc.__context__, Interrupted):
                raise (exc.__cause__ or exc.__context__) from None
            raise
        _cleanup([n for t in plans for n in t.nodes], [t.store.run_id for t in plans])
    finally:
        ray.shutdown()
    for report in reports:
        print(f"run {report.run_id}: {len(report.completed)} done, {len(report.skipped)} "
              f"already done (skipped; --force re-runs), {len(report.failed)} failed — "
              f"results in {report.run_dir}")
    return 0 if all(r.ok for r in reports) else 1


def _plans(args: argparse.Namespace, plan: Callable[[int], list[JobSpec]],
           nodes: list[Node]) -> list[TypePlan]:
    """One plan per node type: its threads, run directory and jobs."""
    from bench.run.cluster.survey import survey
    from bench.run.store import RunStore

    kinds = node_types(nodes, args.each_node_type)
    facts = survey(nodes)
    base = args.run_id or DEFAULT_RUN_ID
    plans = []
    for kind, members in sorted(kinds.items()):
        threads = type_threads(kind, members, args.threads)
        name = base if len(kinds) == 1 else f"{base}-{path_part(kind)}"[:150]
        plans.append(TypePlan(kind, members, threads, RunStore(args.results_dir, name),
                              plan(threads), facts))
    return plans


def _problems(plans: list[TypePlan], problems: Callable[[list[JobSpec]], list[str]]
              ) -> list[str]:
    """Nodes on other code or key packages than the driver, and each plan's preflight."""
    from bench.run.cluster.survey import check_same_code
    from harness.environment import git_info, package_versions

    keyed = tuple(dict.fromkeys(p for t in plans for j in t.jobs for p in j.key_packages))
    wrong = check_same_code(plans[0].facts, git_info(), package_versions(), keyed)  # all nodes
    return wrong + [p for t in plans for p in problems(t.jobs)]


def _cleanup(nodes: list[Node], run_ids: list[str]) -> None:
    """Remove the node-local stores (best effort: a node gone takes its files with it)."""
    import ray

    from bench.run.cluster.node_task import cleanup
    from bench.run.cluster.placement import pinned

    remote = ray.remote(cleanup)
    refs = [remote.options(**pinned(node)).remote(run_id) for node in nodes for run_id in run_ids]
    ray.wait(refs, num_returns=len(refs), timeout=30)
