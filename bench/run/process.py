"""The worker process: its environment, its start in a process group of its own, its
log, and its end. The runner starts every job (and the GEMM-peak probe) through these.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from bench.run.store import RunStore
from bench.run.worker import PROGRESS_PREFIX
from harness.environment import PROJECT_ROOT
from harness.lifecycle import child_env

LOG_TAIL_LINES = 30


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


LOW_DISK_BYTES = 64 * 2**20


def crash_cause(log_tail: str, directory: Path) -> str:
    """What a worker that died without a result last said (its final exception line), and
    a nearly full disk where the results go: a bare exit code names neither."""
    cause = ""
    raised = [line for line in log_tail.splitlines()
              if re.match(r"^[\w.]*(Error|Exception|Interrupt)\b", line)]
    if raised:
        cause = f": {raised[-1].strip()[:300]}"
    try:
        free = shutil.disk_usage(directory).free
    except OSError:
        return cause
    if free < LOW_DISK_BYTES:
        cause += (f"; only {free / 2**20:.0f} MiB free on the disk holding {directory}: free "
                  "some space or pass --results-dir on another disk")
    return cause


def last_progress(path: Path) -> str | None:
    for line in reversed(tail(path, 50).splitlines()):
        if line.startswith(PROGRESS_PREFIX):
            return line[len(PROGRESS_PREFIX):]
    return None


def worker_env(threads: int, store: RunStore | None = None,
                scratch: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    threads = str(threads)
    env.update(
        {
            "PYTHONUNBUFFERED": "1",
            "OMP_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
            "TOKENIZERS_PARALLELISM": "false",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        }
    )
    # The worker must import this checkout's packages even when run from elsewhere.
    root = str(PROJECT_ROOT)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    if scratch is not None:  # every temporary file of the job lands where the runner cleans
        env.update(TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
    if store is not None:
        from harness.timing.roofline import PEAK_ENV

        env[PEAK_ENV] = str(peak_path(store, int(threads)))
        env["BENCH_PARITY_DIR"] = str(store.root / "parity_models")
    return child_env(env)


def peak_path(store: RunStore, threads: int) -> Path:
    return store.dir / "machine" / f"matmul-peak-threads{threads}.json"


def start(argv: list[str], env: dict[str, str], log: IO[str], lock_fd: int | None,
           ) -> subprocess.Popen:
    """A child in its own process group (so a timeout or an interrupt kills everything it
    started), holding the machine lock with us, and dying with us (``harness.lifecycle``)."""
    return subprocess.Popen(
        [sys.executable, "-m", *argv], stdout=log, stderr=subprocess.STDOUT, env=env,
        start_new_session=True, pass_fds=() if lock_fd is None else (lock_fd,),
    )


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def ensure_machine_peak(store: RunStore, threads: int, lock_fd: int | None = None,
                        scratch: Path | None = None) -> Path:
    """Attainable GEMM throughput, measured once per run and thread count, before the first
    job that holds timings against it; a resumed run reuses it.

    Measured in a subprocess (this process never imports torch), under the job's lock.
    """
    path = peak_path(store, threads)
    if path.is_file():
        return path
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = start(["harness.timing.roofline", "--threads", str(threads), "--out", str(path)],
                      worker_env(threads, scratch=scratch), log, lock_fd)
        try:
            proc.wait()
        except BaseException:
            kill_group(proc)
            raise
        if proc.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"measuring the machine's GEMM peak failed (exit "
                               f"{proc.returncode}):\n{log.read()[-2000:]}")
    return path
