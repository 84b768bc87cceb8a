"""Hand-made results for tests of what reads results (store, leaderboard)."""

from __future__ import annotations

from bench.result_schema import (
    EnvironmentRecord,
    ErrorRecord,
    GitRecord,
    JobResult,
    ModelRecord,
)


def make_environment(fingerprint: str = "aaaaaaaaaaaa", cpu: str = "Test CPU") -> EnvironmentRecord:
    return EnvironmentRecord(
        cpu_model=cpu,
        arch="x86_64",
        logical_cores=2,
        physical_cores=2,
        usable_cores=2,
        ram_gib=24.0,
        isa_flags=["avx2"],
        os="Linux",
        python="3.11.7",
        packages={"torch": "2.13.0+cpu", "transformers": "5.23.0"},
        hardware_fingerprint=fingerprint,
    )


def latency_point(batch: int, seq: int, p50: float) -> dict:
    return {
        "batch_size": batch,
        "seq_len": seq,
        "n": 5,
        "warmup": 1,
        "p50_ms": p50,
        "p90_ms": p50 * 1.1,
        "p99_ms": p50 * 1.2,
        "mean_ms": p50,
        "std_ms": 0.1,
        "min_ms": p50 * 0.9,
        "max_ms": p50 * 1.2,
        "ms_per_sample": p50 / batch,
        "samples_per_s": 1e3 * batch / p50,
        "samples_ms": [p50] * 5,
    }


def make_result(
    *,
    model: str = "tinybert",
    suite: str = "latency",
    metrics: dict | None = None,
    fingerprint: str = "aaaaaaaaaaaa",
    status: str = "ok",
    run_id: str = "run-1",
    finished_at: str = "2026-11-21T09:00:00+00:00",
    threads: int = 2,
) -> JobResult:
    if metrics is None:
        metrics = {"points": [latency_point(1, 128, 10.0)], "skipped": []}
    return JobResult(
        run_id=run_id,
        job_id=f"{model}__{suite}__0123456789",
        job_key="k" * 64,
        suite=suite,
        status=status,
        model=ModelRecord(
            name=model,
            hub_id=f"org/{model}",
            family="bert",
            config_sha256="c" * 64,
            declared_parameters=1000,
            weights="random-init",
            weights_source="random-init",
        ),
        config={"threads": threads, "batch_sizes": [1], "seq_lens": [128]},
        metrics=metrics if status == "ok" else {},
        runtime={
            "backend": "pytorch-sdpa",
            "dtype": "float32",
            "attn_implementation": "sdpa",
            "intra_op_threads": threads,
            "inter_op_threads": 1,
        },
        environment=make_environment(fingerprint),
        git=GitRecord(sha="abcdef1234567890", dirty=False),
        started_at="2026-11-21T08:59:00+00:00",
        finished_at=finished_at,
        duration_s=60.0,
        error=None if status == "ok" else ErrorRecord("RuntimeError", "boom", "trace"),
    )
