"""Executes a job matrix: each job in its own subprocess with a timeout; crashes are recorded.

The runner itself never imports torch, so memory probes started below it inherit no large
``ru_maxrss``, and a job that dies takes only itself down.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.run.groups import group_jobs
from bench.run.interrupt import Interrupted
from bench.run.jobs import JobSpec
from bench.run.machine_lock import machine_lock
from bench.run.process import (
    crash_cause,
    ensure_machine_peak,
    kill_group,
    last_progress,
    start,
    tail,
    worker_env,
)
from bench.run.progress import Progress, progress
from bench.run.provenance import make_result, utc_now
from bench.run.store import RunStore
from harness.environment import capture_environment, git_info
from harness.records.atomic import atomic_write_json
from harness.records.schema import (
    ErrorRecord,
    JobResult,
)
from suites import get_suite

POLL_INTERVAL_S = 0.25


@dataclass
class RunReport:
    run_id: str
    run_dir: Path
    completed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def default_run_id() -> str:
    """Stable per machine, so that a plain re-run resumes instead of starting over."""
    return f"local-{capture_environment()['hardware_fingerprint']}"


def run_job(
    spec: JobSpec, store: RunStore, on_progress: Callable[[str], None] | None = None,
    shard: str | None = None,
) -> JobResult:
    """Run one job to a stored result (:func:`run_group` of one)."""
    return run_group([spec], store, on_progress, shard)[0]


def run_group(
    specs: list[JobSpec], store: RunStore, on_progress: Callable[[str], None] | None = None,
    shard: str | None = None,
) -> list[JobResult]:
    """Run jobs of one suite to stored results, whatever happens to their process: one job
    alone, or several that the suite runs together (``Suite.group_key``) in one worker.
    Timed suites run with the machine to themselves among bench jobs
    (``bench.run.machine_lock``).

    A group whose worker crashes before writing its payloads is run again job by job, so a
    job never fails for a neighbour. An interrupt (``bench.run.interrupt.Interrupted``) kills the
    worker, records its jobs as ``interrupted`` and propagates. Nothing but an ``ok`` result
    replaces an ``ok`` one.
    """
    started, t0 = utc_now(), time.monotonic()
    lock: dict = {}
    try:
        with machine_lock(exclusive=get_suite(specs[0].suite).needs_quiet_machine) as lock, \
                store.scratch() as scratch:
            results = _run_locked(specs, store, on_progress, lock.fd, scratch, started, t0)
    except Interrupted as exc:
        for spec in specs:
            error = ErrorRecord("interrupted", f"bench got {exc.signal_name} while this job "
                                "ran; it was stopped and will run again on resume",
                                tail(store.log_path(spec.job_id)))
            _store(make_result(spec, store, "interrupted", error, {}, started, t0), store,
                   dict(lock), shard)
        raise
    # A worker that crashed before writing a job's payload: that job runs again alone.
    return [run_job(spec, store, on_progress, shard)
            if r.error is not None and r.error.kind == "group-crash"
            else _store(r, store, dict(lock), shard)
            for spec, r in zip(specs, results, strict=True)]


def _store(result: JobResult, store: RunStore, lock: dict, shard: str | None) -> JobResult:
    result.runtime = {**result.runtime, "machine_lock": lock}
    result.shard = shard
    return write_result(result, store)


def write_result(result: JobResult, store: RunStore) -> JobResult:
    """Store ``result``; a failed attempt beside an earlier ok result is not written, and
    says so in its runtime (the run's report names it)."""
    if not store.write(result):
        result.runtime["kept_earlier_ok_result"] = True
    return result


def _run_locked(
    specs: list[JobSpec], store: RunStore, on_progress: Callable[[str], None] | None,
    lock_fd: int | None, scratch: Path, started: str, t0: float,
) -> list[JobResult]:
    threads = int(specs[0].config.get("threads", 1))
    log_paths = [store.log_path(spec.job_id) for spec in specs]
    log_path = log_paths[0]  # a group writes one log, copied to every member's at the end
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if get_suite(specs[0].suite).needs_machine_peak:
        try:
            ensure_machine_peak(store, threads, lock_fd, scratch)
        except RuntimeError as exc:
            log_path.write_text(str(exc), encoding="utf-8")
            return [make_result(spec, store, "failed", ErrorRecord("crash", str(exc)), {},
                                 started, t0) for spec in specs]
    argv, payload_paths = [], []
    for i, spec in enumerate(specs):
        spec_path, payload_path = scratch / f"spec{i}.json", scratch / f"payload{i}.json"
        atomic_write_json(spec_path, spec.to_dict())
        argv += [str(spec_path), str(payload_path)]
        payload_paths.append(payload_path)

    timed_out = False
    timeout_s = sum(spec.timeout_s for spec in specs)
    with log_path.open("w", encoding="utf-8") as log:
        proc = start(["bench.run.worker", *argv], worker_env(threads, store, scratch), log,
                      lock_fd)
        try:
            while proc.poll() is None:
                if time.monotonic() - t0 > timeout_s:
                    timed_out = True
                    kill_group(proc)
                    break
                if on_progress and (message := last_progress(log_path)):
                    on_progress(message)
                time.sleep(POLL_INTERVAL_S)
        except BaseException:  # an interrupt: do not leave a job running behind us
            kill_group(proc)
            raise
        # The worker is done; whatever it started in its group goes with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    for other in log_paths[1:]:
        shutil.copyfile(log_path, other)

    results = []
    log_tail = tail(log_path)
    for spec, payload_path in zip(specs, payload_paths, strict=True):
        payload = _read_payload(payload_path)
        error = None
        if timed_out:
            status = "timeout"
            error = ErrorRecord("timeout", f"killed after {timeout_s:g} s", log_tail)
        elif "error" in payload:
            status = "failed"
            error = ErrorRecord(payload["error"]["kind"], payload["error"]["message"], log_tail)
        elif proc.returncode != 0 or "metrics" not in payload:
            status = "failed"
            kind = "group-crash" if len(specs) > 1 else "crash"
            error = ErrorRecord(kind, f"worker exited with code {proc.returncode} and no "
                                f"result{crash_cause(log_tail, store.dir)}", log_tail)
        else:
            status = "ok"
        results.append(make_result(spec, store, status, error, payload, started, t0))
    return results


def _read_payload(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def report_result(result: JobResult, report: RunReport, bar: Progress, store: RunStore
                  ) -> None:
    """Count a stored result in the run's report; a failure gets one line on the bar."""
    if result.status == "ok":
        report.completed.append(result.job_id)
        return
    report.failed.append(result.job_id)
    reason = result.error.message if result.error else ""
    kept = (" (the earlier ok result is kept)"
            if result.runtime.get("kept_earlier_ok_result") else "")
    bar.write(f"FAILED {result.job_id} ({result.status}): {reason}{kept}"
              f" — log: {store.log_path(result.job_id)}")


def not_done(jobs: list[JobSpec], store: RunStore, force: bool,
             report: RunReport) -> list[JobSpec]:
    """The jobs to run: all with ``force``, else those without a stored ok result under
    the same key (the others go to ``report.skipped``)."""
    pending = []
    for spec in jobs:
        if not force and store.is_done(spec.job_id, spec.key):
            report.skipped.append(spec.job_id)
        else:
            pending.append(spec)
    return pending


def execute(
    jobs: list[JobSpec],
    store: RunStore,
    *,
    force: bool = False,
    show_progress: bool = True,
    shard: str | None = None,
) -> RunReport:
    """Run every job not already done with the same key; a failure never stops the run.
    Jobs that their suite runs together (``bench.run.groups``) run as one group.

    The run directory is checked writable and held for this process alone before the first
    job (a second ``bench run`` into it waits); scratch left by a killed run is removed.
    An interrupt stops the run after recording the job it stopped; it propagates.
    """
    report = RunReport(store.run_id, store.dir)
    store.check_writable()
    git_info()  # pinned before the first job writes anything
    with store.writer_lock():
        store.sweep_scratch()
        bar = progress(len(jobs), show_progress)
        try:
            pending = not_done(jobs, store, force, report)
            bar.update(len(report.skipped))
            for group in group_jobs(pending):
                names = sorted({s.model.name for s in group})
                who = "+".join(names) if len(names) < 4 else f"{len(group)} jobs"
                bar.set_description(f"{who}/{group[0].suite}")
                try:
                    results = run_group(group, store, on_progress=bar.set_postfix_str,
                                        shard=shard)
                except Interrupted as exc:
                    exc.during = ", ".join(s.job_id for s in group)  # for the one-line message
                    raise
                for result in results:
                    report_result(result, report, bar, store)
                    bar.finished(result)
        finally:
            bar.close()
    return report
