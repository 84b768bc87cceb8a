"""``bench run --executor ray`` on a real multi-node Ray cluster on this machine.

Not collected by itself: ``test_loopback_cluster.py`` runs this file inside a loopback-only
network namespace (``loopback.py``), so Ray binds to 127.0.0.1 and nothing leaves the
machine. Each node is its own raylet with its own resources and labels; they share this
machine's cores, so the machine lock still lets one timed group run at a time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.bench.run.cluster.loopback import INSIDE, loopback_only

if not (os.environ.get(INSIDE) and loopback_only()):
    pytest.skip("runs only inside a loopback-only network namespace (test_loopback_cluster.py "
                "starts it there)", allow_module_level=True)

ray = pytest.importorskip("ray")
from ray.cluster_utils import Cluster  # noqa: E402

from bench.run.jobs import UNKEYED, plan_jobs  # noqa: E402
from bench.run.runner import execute  # noqa: E402
from bench.run.store import RunStore, read_run  # noqa: E402
from suites import SUITES  # noqa: E402

GRID = ["--batch-sizes", "1", "--seq-lens", "16"]
LOCAL = "127.0.0.1"


@pytest.fixture(scope="module")
def cluster():
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    logs = tempfile.mkdtemp(prefix="bench-ray-")  # Ray's session files: ours to remove
    # Ray also writes the cluster's address to <RAY_TMPDIR>/ray/ray_current_cluster, which
    # fails where /tmp/ray does not exist yet (a fresh machine) and would otherwise leave a
    # file outside our temp dir: point it into ours.
    os.environ["RAY_TMPDIR"] = logs
    os.makedirs(os.path.join(logs, "ray"), exist_ok=True)
    made = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 0, "include_dashboard": False, "node_ip_address": LOCAL,
        "temp_dir": logs})
    yield made
    made.shutdown()
    shutil.rmtree(logs, ignore_errors=True)


@pytest.fixture
def add_nodes(cluster):
    """Add ``count`` bench nodes of a type; whatever is left of them goes after the test."""
    made = []

    def add(kind: str, count: int, cpus: int) -> list:
        made.extend(cluster.add_node(num_cpus=cpus, resources={"bench_node": 1},
                                     node_ip_address=LOCAL, labels={"bench-node-type": kind})
                    for _ in range(count))
        return made[-count:]

    yield add
    for node in made:
        if node in cluster.worker_nodes:
            cluster.remove_node(node)


def bench(cluster, results: Path, *args: str, wait: bool = True):
    argv = [sys.executable, "-m", "bench", "run", "--executor", "ray", "--ray-address",
            cluster.address, "--results-dir", str(results), "--no-leaderboard",
            "--no-progress", *args]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    if not wait:
        return proc
    out, _ = proc.communicate(timeout=600)
    return proc.returncode, out


def latency_group_running(cluster, kind: str, model: Path, results: Path):
    """A driver whose latency group has started on a node of type ``kind``: (the driver's
    process, the group's bench worker)."""
    proc = bench(cluster, results, "--node-labels", f"bench-node-type={kind}", "--suites",
                 "latency", "--models", str(model), *GRID, wait=False)
    worker = wait_for(lambda: next(iter(bench_workers()), None), 120, "bench worker")
    return proc, worker


def records(results: Path, run_id: str) -> dict:
    _, found = read_run(run_id, results)
    return {r.job_id: r for _, r in found}


def keyed(config: dict) -> dict:
    """A config without the places a run keeps its by-products (they name its results dir)."""
    return {k: v for k, v in config.items() if k not in UNKEYED}


def node_of(cluster, pid: int):
    """The cluster node whose raylet started the process ``pid`` (through its Ray worker)."""
    import psutil

    raylets = {n.all_processes["raylet"][0].process.pid: n for n in cluster.worker_nodes}
    for parent in psutil.Process(pid).parents():
        if parent.pid in raylets:
            return raylets[parent.pid]
    return None


def bench_workers() -> list:
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if "bench.run.worker" in cmdline:
            found.append(proc)
    return found


def wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise AssertionError(f"no {what} within {timeout_s:g} s")


def test_each_node_type_gets_the_matrix_on_its_own_nodes_as_a_local_run_would(
        cluster, add_nodes, tiny_model_dirs, tmp_path):
    small, big = add_nodes("small", 2, 1), add_nodes("big", 1, 2)
    ids = {"small": {n.node_id for n in small}, "big": {n.node_id for n in big}}
    code, out = bench(cluster, tmp_path, "--each-node-type", "--node-labels", "role=none",
                      "--models", str(tiny_model_dirs["mobilebert"]))
    assert code == 2 and "no bench node" in out and "role=none" in out  # before any job
    assert not (tmp_path / "runs").exists() or not list((tmp_path / "runs").glob("*/*.json"))
    code, out = bench(cluster, tmp_path, "--models", str(tiny_model_dirs["mobilebert"]))
    assert code == 2 and "--each-node-type" in out  # two types, no choice made: refused
    code, out = bench(cluster, tmp_path, "--each-node-type", "--suites", "static", "latency",
                      "--models", str(tiny_model_dirs["mobilebert"]), *GRID)
    assert code == 0, out
    spans: dict[str, list] = {}
    for kind, threads in (("small", 1), ("big", 2)):
        found = records(tmp_path, f"ray-{kind}")
        assert len(found) == 2 and all(r.status == "ok" for r in found.values())
        for result in found.values():
            assert result.executor.kind == "ray" and result.executor.node_type == kind
            assert result.executor.node_id in ids[kind]
            assert result.config["threads"] == threads == result.runtime["intra_op_threads"]
            assert result.environment.hardware_fingerprint  # the node's own, not made up
            spans.setdefault(result.executor.node_id, []).append(
                (result.executor.group_started_unix, result.executor.group_finished_unix,
                 result.suite))
    # a timed group has its node to itself: no other group overlaps it there
    timed = {name for name, suite in SUITES.items() if suite.needs_quiet_machine}
    for groups in spans.values():
        for a in groups:
            for b in groups:
                if a is not b and (a[2] in timed or b[2] in timed):
                    assert a[1] <= b[0] or b[1] <= a[0], f"overlap on one node: {a} {b}"
    assert_equal_in_kind_to_a_local_run(tmp_path, "ray-small", tiny_model_dirs["mobilebert"])


def assert_equal_in_kind_to_a_local_run(results: Path, run_id: str, model: Path) -> None:
    """The same matrix run locally (1 thread) gives the same jobs, keys and fields as the
    Ray run, and a local run resumes the Ray run's results with nothing left to do."""
    jobs = plan_jobs([str(model)], ["static", "latency"], mode="quick", threads=1,
                     overrides={"batch_sizes": (1,), "seq_lens": (16,)})
    assert execute(jobs, RunStore(results / "local", run_id), show_progress=False).ok
    on_ray, local = records(results, run_id), records(results / "local", run_id)
    assert set(on_ray) == set(local)  # the same job ids: the same keys
    for job_id, result in local.items():
        other = on_ray[job_id]
        assert (other.status, other.job_key) == (result.status, result.job_key)
        assert keyed(other.config) == keyed(result.config)
        assert set(other.metrics) == set(result.metrics)
        assert (result.executor.kind, other.executor.kind) == ("local", "ray")
    again = execute(jobs, RunStore(results, run_id), show_progress=False)
    assert len(again.skipped) == len(jobs) and not again.completed


def test_a_node_lost_mid_group_is_retried_on_another_of_its_type(
        cluster, add_nodes, tiny_model_dirs, tmp_path):
    add_nodes("lossy", 2, 1)
    proc, worker = latency_group_running(cluster, "lossy", tiny_model_dirs["mobilebert"],
                                         tmp_path)
    victim = node_of(cluster, worker.pid)
    assert victim is not None
    cluster.remove_node(victim, allow_graceful=False)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    (result,) = records(tmp_path, "ray").values()
    assert result.status == "ok" and result.executor.attempt == 2
    assert result.executor.node_id != victim.node_id
    assert victim.node_id in result.executor.retried_after or "died" in \
        result.executor.retried_after
    assert not worker.is_running() or worker.status() == "zombie"  # died with its node


def test_a_lost_node_with_no_other_of_its_type_is_recorded_failed(
        cluster, add_nodes, tiny_model_dirs, tmp_path):
    (node,) = add_nodes("alone", 1, 1)
    proc, _ = latency_group_running(cluster, "alone", tiny_model_dirs["mobilebert"], tmp_path)
    cluster.remove_node(node, allow_graceful=False)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 1, out
    (result,) = records(tmp_path, "ray").values()
    assert result.status == "failed" and result.error.kind == "node-lost"
    assert "alone" in result.error.message and not result.metrics  # never a partial record


def test_a_killed_driver_leaves_whole_records_and_a_rerun_does_only_the_rest(
        cluster, add_nodes, tiny_model_dirs, tmp_path):
    add_nodes("driven", 1, 1)
    args = ("--node-labels", "bench-node-type=driven", "--suites", "static", "latency",
            "--models", str(tiny_model_dirs["mobilebert"]), *GRID)
    proc = bench(cluster, tmp_path, *args, wait=False)
    run_dir = tmp_path / "runs" / "ray"
    wait_for(lambda: list(run_dir.glob("*.json")), 300, "stored result")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    wait_for(lambda: not bench_workers(), 60, "end of the killed run's workers")
    before = {p.name: p.read_bytes() for p in run_dir.glob("*.json")}
    for content in before.values():
        json.loads(content)  # whole, never half-written
    assert not list(run_dir.glob(".*.tmp"))
    code, out = bench(cluster, tmp_path, *args)
    assert code == 0, out
    assert f"{len(before)} already done" in out
    after = {p.name: p.read_bytes() for p in run_dir.glob("*.json")}
    assert len(after) == 2 and all(after[name] == data for name, data in before.items())


def test_ctrl_c_on_the_driver_stops_the_groups_on_their_nodes(
        cluster, add_nodes, tiny_model_dirs, tmp_path):
    add_nodes("stopped", 1, 1)
    proc, _ = latency_group_running(cluster, "stopped", tiny_model_dirs["mobilebert"],
                                    tmp_path)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "stopped by SIGINT" in out, out
    wait_for(lambda: not bench_workers(), 30, "end of the cancelled group's worker")
    assert not list((tmp_path / "runs" / "ray").glob("*.json"))  # nothing half-done stored
