"""Children die with their parent: the kernel's parent-death signal, armed by the child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]

# A parent that starts a child through child_env() and then waits; the child arms
# die_with_parent() and sleeps. The parent prints the child's pid once the child is armed.
PARENT = textwrap.dedent("""
    import subprocess, sys
    from harness.lifecycle import child_env
    child = subprocess.Popen(
        [sys.executable, "-c",
         "from harness.lifecycle import die_with_parent; import time; die_with_parent(); "
         "print('armed', flush=True); time.sleep(120)"],
        env=child_env(), stdout=subprocess.PIPE, text=True)
    child.stdout.readline()
    print(child.pid, flush=True)
    child.wait()
""")


def test_a_child_dies_within_seconds_of_a_sigkill_to_its_parent():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    child_pid = int(parent.stdout.readline())
    child = psutil.Process(child_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    started = time.monotonic()
    gone, _ = psutil.wait_procs([child], timeout=5)
    assert gone, "the child outlived its killed parent"
    assert time.monotonic() - started < 5


def test_a_child_whose_parent_is_already_gone_exits_at_once():
    from harness.lifecycle import ORPHANED_EXIT_CODE, PARENT_ENV

    # The recorded parent is not our parent: as if it died between fork and the arming.
    env = {**os.environ, PARENT_ENV: str(os.getpid() + 1_000_000), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", "from harness.lifecycle import die_with_parent; "
         "die_with_parent(); import time; time.sleep(60)"],
        cwd=ROOT, env=env, timeout=30)
    assert done.returncode == ORPHANED_EXIT_CODE
