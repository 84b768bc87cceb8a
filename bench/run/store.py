"""Results on disk: one JSON per job under ``results/runs/<run-id>/``, always written atomically.

One writer per run directory (:meth:`RunStore.writer_lock`), an ``ok`` result never replaced by
a failed attempt, per-job scratch space that is removed whatever happened to the job, and
readers that skip a file they cannot read (with a one-line warning) instead of failing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from harness.records.atomic import atomic_write_json
from harness.records.metrics import checked
from harness.records.paths import check_name, inside
from harness.records.schema import JobResult, ResultSchemaError
from suites import SUITES

DEFAULT_RESULTS_DIR = Path("results")


class StoreError(OSError):
    """The results directory cannot be used; the message names it and the fix."""


WRITER_LOCK = ".writer.lock"
SCRATCH_DIR = "tmp"  # <results>/tmp/<pid>-…: per-job scratch, git-ignored


class RunStore:
    """The results of one run: ``<root>/runs/<run_id>/<job_id>.json``."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.root = Path(root)
        self.run_id = check_name(run_id, "run id")
        self.dir = self.root / "runs" / run_id

    def path_for(self, job_id: str) -> Path:
        return inside(self.dir, self.dir / f"{check_name(job_id, 'job id')}.json")

    def log_path(self, job_id: str) -> Path:
        return inside(self.dir, self.dir / "logs" / f"{check_name(job_id, 'job id')}.log")

    def write(self, result: JobResult) -> bool:
        """Store ``result``; False (and nothing written) when it is not ``ok`` and an ``ok``
        result of the same job is there already: a failed or interrupted attempt never
        replaces a good measurement."""
        path = self.path_for(result.job_id)
        if result.status != "ok":
            with contextlib.suppress(ResultSchemaError, OSError):
                if path.is_file() and load_result(path).status == "ok":
                    return False
        atomic_write_json(path, result.to_dict())
        return True

    def load(self, job_id: str) -> JobResult | None:
        path = self.path_for(job_id)
        return load_result(path) if path.is_file() else None

    def is_done(self, job_id: str, job_key: str) -> bool:
        """Done means a stored ``ok`` result for exactly this job key."""
        try:
            result = self.load(job_id)
        except (ResultSchemaError, OSError):
            return False
        return result is not None and result.status == "ok" and result.job_key == job_key

    def check_writable(self) -> None:
        """Fail before the first job, not after the work, when results cannot be stored."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.dir, prefix=".write-check-"):
                pass
            (self.root / SCRATCH_DIR).mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot write results to {self.dir} ({exc.strerror or exc}); make it writable "
                "or choose another place with --results-dir"
            ) from None

    @contextlib.contextmanager
    def writer_lock(self, *, wait: bool = True) -> Iterator[None]:
        """Hold the run directory for this process alone (released on exit or death). A
        second writer waits, saying who holds it; with ``wait=False`` it raises
        :class:`StoreError` instead."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with exclusive_file_lock(self.dir / WRITER_LOCK, f"run {self.run_id!r} ({self.dir})",
                                 wait=wait):
            yield

    # --- scratch space: TMPDIR of each job's processes, removed after the job -------------
    @contextlib.contextmanager
    def scratch(self) -> Iterator[Path]:
        """A fresh directory for one job attempt, removed afterwards whatever happened; one
        left by a killed run is removed by the next run's :meth:`sweep_scratch`."""
        root = self.root / SCRATCH_DIR
        root.mkdir(parents=True, exist_ok=True)
        # Short: sockets made under a TMPDIR (multiprocessing's pymp-*/listener-*) must fit
        # the 108-byte limit of a unix socket path.
        path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def sweep_scratch(self) -> list[Path]:
        """Remove scratch directories whose process is gone (a run killed by SIGKILL)."""
        import psutil

        removed = []
        root = self.root / SCRATCH_DIR
        for entry in sorted(root.glob("*-*")) if root.is_dir() else []:
            pid = entry.name.split("-", 1)[0]
            if entry.is_dir() and pid.isdigit() and not psutil.pid_exists(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        return removed


@contextlib.contextmanager
def exclusive_file_lock(path: Path, what: str, *, wait: bool = True) -> Iterator[None]:
    """An ``flock`` on ``path`` that records its holder in the file, so whoever waits is
    told who it waits for."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(path)
            if not wait:
                raise StoreError(f"{what} is being written by another bench process "
                                 f"({holder})") from None
            print(f"bench: {what} is being written by another bench process ({holder}); "
                  "waiting for it to finish (Ctrl-C to stop)", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_holder_record()).encode(), 0)
        yield
    finally:
        os.close(fd)


def _holder_record() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "argv": sys.argv,
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _read_holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        return (f"pid {holder['pid']} on {holder['host']} since {holder['since']}: "
                f"{' '.join(holder['argv'])}")
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown process"


def warn_skipped(path: Path, reason: object) -> None:
    """One line per unreadable result file; the reason names the file and the field."""
    text = str(reason)
    print(f"bench: skipping {text if str(path) in text else f'{path}: {text}'}",
          file=sys.stderr)


def read_results(paths: Iterable[Path]) -> list[tuple[Path, JobResult]]:
    """Every readable result among ``paths``; the others are skipped with a warning, so one
    bad file never blocks a leaderboard, a comparison or a resumed run."""
    found = []
    for path in paths:
        try:
            found.append((path, load_result(path)))
        except (ResultSchemaError, OSError) as exc:
            warn_skipped(path, exc)
    return found


def read_run(spec: str | Path, results_root: Path) -> tuple[Path, list[tuple[Path, JobResult]]]:
    """A run named by id (``<results_root>/runs/<id>``) or by its directory (a downloaded
    artifact, another checkout): its directory and every readable result in it.

    Raises ValueError naming what is wrong when there is no such run or nothing readable.
    """
    runs = Path(results_root) / "runs"
    path = Path(spec)
    directory = path if path.is_dir() else runs / str(spec)
    if not directory.is_dir():
        raise ValueError(f"no run {str(spec)!r}: neither a directory nor {runs / str(spec)}; "
                         f"see `ls {runs}`")
    found = read_results(sorted(directory.glob("*.json")))
    if not found:
        raise ValueError(f"{directory} holds no readable result files (*.json)")
    return directory, found


def load_result(path: Path) -> JobResult:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, an over-long integer
        raise ResultSchemaError(f"{path}: not a JSON result file ({exc})") from None
    except RecursionError:
        raise ResultSchemaError(f"{path}: not a result file (JSON nested too deep)") from None
    result = JobResult.from_dict(data, source=str(path))
    suite = SUITES.get(result.suite)
    if suite is not None and result.status == "ok":  # its metrics fit the suite's record
        checked(result, suite.metrics_type, source=str(path))  # kept for the reports
    return result


def iter_results(root: Path) -> Iterator[JobResult]:
    """Every readable result under ``<root>/runs``, in a stable order (others skipped with a
    warning)."""
    for _, result in read_results(sorted((Path(root) / "runs").glob("*/*.json"))):
        yield result
