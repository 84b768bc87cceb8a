"""Which nodes take bench jobs, their types, the user's selection and each type's threads."""

from __future__ import annotations

import pytest

from bench.run.cluster.nodes import (
    ClusterError,
    bench_nodes,
    node_types,
    parse_labels,
    select,
    type_threads,
)


def raw(node_id: str, cpus: int = 2, bench: float = 1, alive: bool = True, **labels) -> dict:
    resources = {"CPU": cpus, "memory": 8 * 2**30}
    if bench:
        resources["bench_node"] = bench
    return {"NodeID": node_id, "Alive": alive, "NodeManagerAddress": "10.0.0.1",
            "Resources": resources, "Labels": {k.replace("_", "-"): v for k, v in labels.items()}}


CLUSTER = [
    raw("head", cpus=0, bench=0),
    raw("a1", cpus=1, bench_node_type="small"),
    raw("a2", cpus=1, bench_node_type="small"),
    raw("b1", cpus=4, bench_node_type="big", zone="x"),
    raw("dead", alive=False, bench_node_type="big"),
]


def test_only_alive_nodes_declaring_bench_node_take_jobs():
    nodes = bench_nodes(CLUSTER)
    assert [n.node_id for n in nodes] == ["a1", "a2", "b1"]
    assert nodes[2].cpus == 4 and nodes[2].memory_mib == 8 * 1024


def test_a_node_type_comes_from_its_label_else_the_node_group_else_default():
    kinds = [n.node_type for n in bench_nodes([
        raw("x", bench_node_type="t1"), {**raw("y"), "Labels": {"ray.io/node-group": "g"}},
        raw("z")])]
    assert kinds == ["t1", "g", "default"]


def test_a_selector_keeps_nodes_with_every_label_and_names_the_types_when_none_match():
    nodes = bench_nodes(CLUSTER)
    assert [n.node_id for n in select(nodes, {"zone": "x"}, "h:1")] == ["b1"]
    with pytest.raises(ClusterError) as failure:
        select(nodes, {"zone": "y"}, "h:1")
    assert "zone=y" in str(failure.value) and "big (1 node" in str(failure.value)
    assert "small (2 nodes" in str(failure.value)
    with pytest.raises(ClusterError, match="bench_node"):
        select([], {}, "h:1")


def test_two_types_need_a_choice_or_each_node_type():
    nodes = bench_nodes(CLUSTER)
    with pytest.raises(ClusterError, match="--each-node-type"):
        node_types(nodes, each_node_type=False)
    assert set(node_types(nodes, each_node_type=True)) == {"small", "big"}
    assert set(node_types(nodes[:2], each_node_type=False)) == {"small"}


def test_threads_default_to_the_cpus_a_type_offers_and_never_exceed_them():
    small = bench_nodes(CLUSTER)[:2]
    assert type_threads("small", small, None) == 1
    with pytest.raises(ClusterError, match="offers 1 CPUs"):
        type_threads("small", small, 2)
    with pytest.raises(ClusterError, match="no CPU"):
        type_threads("none", bench_nodes([raw("n", cpus=0)]), None)


@pytest.mark.parametrize("bad", ["zone", "=x", "zone="])
def test_labels_are_key_value_pairs(bad):
    assert parse_labels(["a=b", " c = d "]) == {"a": "b", "c": "d"}
    with pytest.raises(ClusterError, match="KEY=VALUE"):
        parse_labels([bad])
