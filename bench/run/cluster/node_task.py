"""What runs on a Ray node: a survey of the node, and one job group through the local runner.

The group runs into a node-local results store (under the node's temporary directory), so
the local runner's worker lifecycle, machine lock, GEMM peak and timeouts apply unchanged;
the records and logs go back to the driver, which alone writes the results directory, and
the node-local copies are removed. The GEMM peak and parity models stay for the run's later
groups on that node (``cleanup`` removes them at the end).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

NODE_ROOT = "compact-encoder-bench-ray"


def node_root(run_id: str) -> Path:
    from harness.records.paths import check_name

    return Path(tempfile.gettempdir()) / NODE_ROOT / check_name(run_id, "run id")


def _node_id() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


def describe() -> dict[str, Any]:
    """The node as the records will name it: id, hostname, machine and code."""
    from harness.environment import capture_environment, git_info

    return {"node_id": _node_id(), "hostname": socket.gethostname(),
            "environment": capture_environment(), "git": git_info()}


def run_group_here(spec_dicts: list[dict], run_id: str, shard: str | None) -> dict[str, Any]:
    """Run one group of jobs on this node; every job's record (as a dict) and log."""
    from bench.run.jobs import JobSpec
    from bench.run.runner import run_group
    from bench.run.store import RunStore

    specs = [JobSpec.from_dict(data) for data in spec_dicts]
    store = RunStore(node_root(run_id), run_id)
    store.check_writable()
    store.sweep_scratch()  # scratch of a group whose worker this node lost
    started = time.time()
    results = run_group(specs, store, shard=shard)
    finished = time.time()
    out = []
    for result in results:
        log = store.log_path(result.job_id)
        text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
        out.append({"result": result.to_dict(), "log": text})
        log.unlink(missing_ok=True)
        store.path_for(result.job_id).unlink(missing_ok=True)
    return {"node_id": _node_id(), "hostname": socket.gethostname(), "started": started,
            "finished": finished, "results": out}


def cleanup(run_id: str) -> bool:
    """Remove this run's node-local store (GEMM peak, parity models, scratch)."""
    root = node_root(run_id)
    shutil.rmtree(root, ignore_errors=True)
    with contextlib.suppress(OSError):  # ours, and empty unless another run still uses it
        root.parent.rmdir()
    return not root.exists()
