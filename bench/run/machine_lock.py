"""One machine, one timing at a time: a reader–writer lock shared by every ``bench`` process.

Timed jobs (latency, padding) take it exclusively; every other job takes it shared. So
shards started side by side on one machine (``tox -p``, several ``bench run --shard``)
still never time a forward pass while another bench job computes: they wait their turn.
Processes outside bench are not covered; a quiet machine is still the user's job.

The lock belongs to whoever times: the runner passes the locked descriptor to the job's
worker (an ``flock`` lives as long as any process holds the open file), so a worker that
somehow outlived its runner would still hold the machine, and no other job could time
beside it.
"""

from __future__ import annotations

import fcntl
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_ENV = "BENCH_LOCK_FILE"


class HeldLock(dict):
    """What to record (mode, path, seconds waited); ``fd`` is the locked descriptor to hand
    to the process that does the work (``subprocess.Popen(pass_fds=...)``)."""

    fd: int | None = None


def lock_path() -> Path:
    return Path(os.environ.get(LOCK_ENV)
                or Path(tempfile.gettempdir()) / "compact-encoder-bench.machine.lock")


@contextmanager
def machine_lock(exclusive: bool) -> Iterator[HeldLock]:
    """Hold the lock for the duration; yields what to record (mode, seconds waited)."""
    path = lock_path()
    record = HeldLock(mode="exclusive" if exclusive else "shared", path=str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
    except OSError as exc:  # an unusable lock must not stop the run; the record says so
        print(f"bench: machine lock {path} unusable ({exc}); running unlocked",
              file=sys.stderr)
        record.update(mode="none", waited_s=0.0)
        yield record
        return
    started = time.monotonic()
    try:
        flag = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, flag | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"bench: waiting for the machine lock ({record['mode']}) held by another "
                  f"bench job: {path}", file=sys.stderr)
            fcntl.flock(fd, flag)
        record["waited_s"] = round(time.monotonic() - started, 3)
        record.fd = fd
        yield record
    finally:
        os.close(fd)  # releases the lock
