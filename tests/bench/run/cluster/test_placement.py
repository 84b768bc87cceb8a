"""What a group asks of a node: a timed group the whole node, an untimed one a share."""

from __future__ import annotations

from bench.run.cluster.nodes import Node
from bench.run.cluster.placement import group_options
from suites import SUITES

NODES = [Node("n1", "h", cpus=4), Node("n2", "h", cpus=4)]
GPU_NODES = [Node("g1", "h", cpus=8, gpus=1)]


def _suite(**wanted):
    return next(s for s in SUITES.values()
                if all(getattr(s, k) == v for k, v in wanted.items()))


def test_a_timed_group_takes_all_of_a_node():
    options = group_options(_suite(needs_quiet_machine=True), NODES, threads=2)
    assert options["num_cpus"] == 4 and options["resources"] == {"bench_node": 1.0}
    assert options["label_selector"] == {"ray.io/node-id": "in(n1,n2)"}
    assert options["max_retries"] == 0 and "num_gpus" not in options


def test_untimed_groups_share_a_node():
    options = group_options(_suite(needs_quiet_machine=False, uses_gpu=False), NODES, 2)
    assert options["num_cpus"] == 2 and 0 < options["resources"]["bench_node"] < 0.5


def test_a_suite_that_can_use_a_gpu_asks_for_one_only_where_the_type_has_it():
    suite = _suite(uses_gpu=True)
    assert group_options(suite, GPU_NODES, 8)["num_gpus"] == 1
    assert "num_gpus" not in group_options(suite, NODES, 4)
