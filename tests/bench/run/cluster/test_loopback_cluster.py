"""The Ray cluster scenarios (``cluster_scenarios.py``), run in a loopback-only network
namespace so that the cluster binds to 127.0.0.1 and no traffic can leave the machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench.run.cluster.loopback import INSIDE, unavailable

HERE = Path(__file__).parent
ROOT = HERE.parents[3]


def test_cluster_scenarios_pass_in_a_loopback_only_namespace():
    pytest.importorskip("ray", reason="the ray extra is not installed")
    if os.environ.get(INSIDE):
        pytest.skip("already inside the namespace")
    if why := unavailable():
        pytest.skip(why)
    proc = subprocess.run(
        ["unshare", "--net", "--", sys.executable, str(HERE / "loopback.py"), sys.executable,
         "-m", "pytest", str(HERE / "cluster_scenarios.py"), "-q", "-x", "-rs",
         "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200)
    tail = (proc.stdout + proc.stderr)[-8000:]
    assert proc.returncode == 0, tail
    assert " passed" in proc.stdout and "skipped" not in proc.stdout.splitlines()[-1], tail
