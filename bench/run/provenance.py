"""A job's stored record: what ran (model, weights, config, metrics), on which machine and
code, when, and through which executor. The runner and the Ray driver both make it here."""

from __future__ import annotations

import socket
import time
from datetime import datetime, timezone

from bench.run.jobs import JobSpec
from bench.run.store import RunStore
from harness.environment import capture_environment, git_info
from harness.records.schema import (
    EnvironmentRecord,
    ErrorRecord,
    ExecutorRecord,
    GitRecord,
    JobResult,
    ModelRecord,
)


def utc_now() -> str:
    """Now, as records state their start and end (ISO 8601, UTC, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def make_result(spec: JobSpec, store: RunStore, status: str, error: ErrorRecord | None,
                payload: dict, started: str, t0: float, *, environment: dict | None = None,
                git: dict | None = None, executor: ExecutorRecord | None = None) -> JobResult:
    """A job's record; the machine and code are this process's unless given (a Ray driver
    records a lost job with its node's facts)."""
    weights = payload.get("weights") or {}
    meta = spec.model
    return JobResult(
        run_id=store.run_id,
        job_id=spec.job_id,
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
        environment=EnvironmentRecord(**(environment or capture_environment())),
        git=GitRecord(**(git or git_info())),
        started_at=started,
        finished_at=utc_now(),
        duration_s=round(time.monotonic() - t0, 3),
        error=error,
        executor=executor or ExecutorRecord("local", hostname=socket.gethostname()),
    )
