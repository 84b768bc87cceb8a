"""Every process bench starts dies with the process that started it, whatever kills that one.

A worker that outlived a killed ``bench run`` would keep timing beside the next run's jobs and
make their numbers wrong while they are stored as clean. So each child entry point (the job
worker, a memory probe, the GEMM-peak probe) calls :func:`die_with_parent` first: on Linux the
kernel then sends it SIGKILL the moment its parent dies (``PR_SET_PDEATHSIG``, which is not
lost to a SIGKILL of the parent the way an atexit hook or a signal handler is); elsewhere a
watchdog thread polls the parent. The parent's pid travels in the environment, so a child
whose parent died before the call (between fork and ``prctl``) notices and exits too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

PARENT_ENV = "BENCH_PARENT_PID"
PR_SET_PDEATHSIG = 1
WATCHDOG_INTERVAL_S = 0.5
ORPHANED_EXIT_CODE = 75


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child this process starts: names this process as its parent."""
    return {**(os.environ if env is None else env), PARENT_ENV: str(os.getpid())}


def die_with_parent() -> None:
    """Arrange to be killed when the parent dies; exit at once if it already has."""
    raw = os.environ.get(PARENT_ENV, "")
    expected = int(raw) if raw.isdigit() else os.getppid()
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    if os.getppid() != expected:
        os._exit(ORPHANED_EXIT_CODE)
    if not armed:
        threading.Thread(target=_watch_parent, args=(expected,), daemon=True,
                         name="die-with-parent").start()


def _watch_parent(expected: int) -> None:
    while os.getppid() == expected:
        time.sleep(WATCHDOG_INTERVAL_S)
    os._exit(ORPHANED_EXIT_CODE)
