"""Executes a job matrix: each job in its own subprocess with a timeout; crashes are recorded.

The runner itself never imports torch, so memory probes started below it inherit no large
``ru_maxrss``, and a job that dies takes only itself down.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bench.environment import capture_environment, git_info
from bench.jobs import JobSpec
from bench.machine_lock import machine_lock
from bench.result_schema import (
    EnvironmentRecord,
    ErrorRecord,
    GitRecord,
    JobResult,
    ModelRecord,
)
from bench.store import RunStore, atomic_write_json
from bench.worker import PROGRESS_PREFIX
from suites import get_suite

POLL_INTERVAL_S = 0.25
LOG_TAIL_LINES = 30


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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _last_progress(path: Path) -> str | None:
    for line in reversed(_tail(path, 50).splitlines()):
        if line.startswith(PROGRESS_PREFIX):
            return line[len(PROGRESS_PREFIX):]
    return None


def _worker_env(threads: int, store: RunStore | None = None) -> dict[str, str]:
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
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    if store is not None:
        from suites.latency.roofline import PEAK_ENV

        env[PEAK_ENV] = str(_peak_path(store, int(threads)))
        env["BENCH_PARITY_DIR"] = str(store.root / "parity_models")
    return env


def _peak_path(store: RunStore, threads: int) -> Path:
    return store.dir / "machine" / f"matmul-peak-threads{threads}.json"


def ensure_machine_peak(store: RunStore, threads: int) -> Path:
    """Attainable GEMM throughput, measured once per run and thread count, before the first
    job that holds timings against it; a resumed run reuses it.

    Measured in a subprocess: this process never imports torch.
    """
    path = _peak_path(store, threads)
    if not path.is_file():
        subprocess.run(
            [sys.executable, "-m", "suites.latency.roofline", "--threads", str(threads),
             "--out", str(path)], env=_worker_env(threads), check=True, capture_output=True,
        )
    return path


def run_job(
    spec: JobSpec, store: RunStore, on_progress: Callable[[str], None] | None = None,
    shard: str | None = None,
) -> JobResult:
    """Run one job to a stored result, whatever happens to its process; timed suites run
    with the machine to themselves among bench jobs (``bench.machine_lock``)."""
    with machine_lock(exclusive=get_suite(spec.suite).needs_quiet_machine) as lock:
        result = _run_locked(spec, store, on_progress)
    result.runtime = {**result.runtime, "machine_lock": lock}
    result.shard = shard
    store.write(result)
    return result


def _run_locked(
    spec: JobSpec, store: RunStore, on_progress: Callable[[str], None] | None
) -> JobResult:
    job_id = spec.job_id
    threads = int(spec.config.get("threads", 1))
    if get_suite(spec.suite).needs_machine_peak:
        ensure_machine_peak(store, threads)
    work = store.dir / "specs"
    spec_path, payload_path = work / f"{job_id}.spec.json", work / f"{job_id}.payload.json"
    atomic_write_json(spec_path, spec.to_dict())
    payload_path.unlink(missing_ok=True)
    log_path = store.log_path(job_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)

    started, t0 = _now(), time.monotonic()
    timed_out = False
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", str(spec_path), str(payload_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_worker_env(threads, store),
            start_new_session=True,  # its own process group: a timeout kills probes too
        )
        try:
            while proc.poll() is None:
                if time.monotonic() - t0 > spec.timeout_s:
                    timed_out = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    break
                if on_progress and (message := _last_progress(log_path)):
                    on_progress(message)
                time.sleep(POLL_INTERVAL_S)
        except BaseException:  # Ctrl-C: do not leave a job running behind us
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    duration = time.monotonic() - t0

    payload = _read_payload(payload_path)
    error = None
    if timed_out:
        status = "timeout"
        error = ErrorRecord("timeout", f"killed after {spec.timeout_s:g} s", _tail(log_path))
    elif "error" in payload:
        status = "failed"
        error = ErrorRecord(payload["error"]["kind"], payload["error"]["message"], _tail(log_path))
    elif proc.returncode != 0 or "metrics" not in payload:
        status = "failed"
        error = ErrorRecord(
            "crash", f"worker exited with code {proc.returncode} and no result", _tail(log_path)
        )
    else:
        status = "ok"

    weights = payload.get("weights") or {}
    meta = spec.model
    result = JobResult(
        run_id=store.run_id,
        job_id=job_id,
        job_key=spec.key,
        suite=spec.suite,
        status=status,
        model=ModelRecord(
            name=meta.name,
            hub_id=meta.hub_id,
            family=payload.get("family") or meta.family,
            config_sha256=meta.config_sha256,
            declared_parameters=meta.n_parameters,
            weights=weights.get("weights", "unresolved"),
            weights_source=weights.get("source", "unresolved"),
            weights_format=weights.get("format"),
            weights_path=weights.get("path"),
            revision=weights.get("revision") or meta.revision,
        ),
        config=spec.config,
        metrics=payload.get("metrics", {}),
        runtime=payload.get("runtime", {}),
        environment=EnvironmentRecord(**capture_environment()),
        git=GitRecord(**git_info()),
        started_at=started,
        finished_at=_now(),
        duration_s=round(duration, 3),
        error=error,
    )
    spec_path.unlink(missing_ok=True)
    payload_path.unlink(missing_ok=True)
    return result


def _read_payload(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def execute(
    jobs: list[JobSpec],
    store: RunStore,
    *,
    force: bool = False,
    show_progress: bool = True,
    shard: str | None = None,
) -> RunReport:
    """Run every job not already done with the same key; a failure never stops the run."""
    from tqdm import tqdm

    report = RunReport(store.run_id, store.dir)
    git_info()  # pinned before the first job writes anything
    bar = tqdm(total=len(jobs), unit="job", disable=not show_progress, dynamic_ncols=True)
    try:
        for spec in jobs:
            bar.set_description(f"{spec.model.name}/{spec.suite}")
            if not force and store.is_done(spec.job_id, spec.key):
                report.skipped.append(spec.job_id)
                bar.update(1)
                continue
            result = run_job(spec, store, on_progress=lambda m: bar.set_postfix_str(m),
                             shard=shard)
            if result.status == "ok":
                report.completed.append(spec.job_id)
            else:
                report.failed.append(spec.job_id)
                reason = result.error.message if result.error else ""
                bar.write(
                    f"FAILED {spec.job_id} ({result.status}): {reason}"
                    f" — log: {store.log_path(spec.job_id)}"
                )
            bar.update(1)
    finally:
        bar.close()
    return report
