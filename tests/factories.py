"""Hand-made results for tests of what reads results (store, leaderboard)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from harness.records.schema import (
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


def static_metrics(parameters: int, flops_s128: int | None = None) -> dict:
    """A static result's metrics: the architecture's counts."""
    return {"parameters": parameters, "embedding_parameters": parameters // 4,
            "fp32_mib": parameters * 4 / 2**20,
            "flops_per_forward": {} if flops_s128 is None else {"128": flops_s128}}


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
    if metrics is None:  # the smallest record the suite declares (suites/<suite>/record.py)
        metrics = (static_metrics(1000) if suite == "static"
                   else {"points": [memory_point(1, 128, 500.0)], "skipped": []}
                   if suite == "memory"
                   else {"points": [latency_point(1, 128, 10.0)], "skipped": []})
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


def timed_point(batch: int, seq: int, p50: float, *, n: int = 30, spread: float = 0.02,
                seed: int = 0) -> dict:
    """A latency point whose samples are a seeded, noisy distribution around ``p50``."""
    import numpy as np

    samples = p50 * (1 + spread * np.random.default_rng(seed).standard_normal(n))
    point = latency_point(batch, seq, float(np.median(samples)))
    point.update(n=n, samples_ms=[round(float(s), 4) for s in samples],
                 min_ms=float(samples.min()), p90_ms=float(np.percentile(samples, 90)))
    return point


def memory_point(batch: int, seq: int, mib: float) -> dict:
    """A memory point with the fields the memory table reads (the probe writes more)."""
    return {"batch_size": batch, "seq_len": seq, "peak_forward_mib": mib,
            "peak_forward_sampled_mib": mib - 1, "rss_after_imports_mib": 380.0,
            "rss_after_load_mib": mib - 30, "delta_load_mib": mib - 410,
            "delta_forward_mib": 30.0, "external_maxrss_mib": mib, "peak_vs_external": 1.0}


def news_metrics(n: int, accuracy: float, *, fingerprint: str = "f" * 64, seed: int = 0,
                 train_rows: int = 100) -> dict:
    """A welfake result's metrics, made by the real metric code from seeded predictions."""
    import numpy as np

    from harness.accuracy.metrics import classification_metrics

    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n)
    right = rng.random(n) < accuracy
    predicted = np.where(right, truth, 1 - truth)
    probs = np.eye(2)[predicted] * 0.8 + 0.1
    test = classification_metrics(truth, probs, ("real", "fake"), positive="fake",
                                  n_bootstrap=200)
    test.update(data={"fingerprint": fingerprint}, predictions=predicted.tolist(),
                labels=truth.tolist(), positive_scores=probs[:, 1].round(6).tolist())
    return {"test": test, "data": {"train": {"rows": train_rows}}, "budget": {},
            "training": {}}


SECTION_LATENCY = {"tinybert": 10.0, "mobilebert": 40.0, "bert-base": 100.0}
SECTION_ACCURACY = {"tinybert": 0.70, "mobilebert": 0.85, "bert-base": 0.80}


def fixture_results() -> list:
    """One hardware section: latency, memory and welfake results of three models."""
    results = []
    for i, (model, p50) in enumerate(SECTION_LATENCY.items()):
        points = [timed_point(b, s, p50 * b * s / 128, seed=10 * i + b)
                  for b in (1, 4) for s in (128, 512)]
        results.append(make_result(model=model, metrics={"points": points, "skipped": []}))
        memory = [memory_point(b, s, 400 + p50 + b * s / 64) for b in (1, 8) for s in (128, 512)]
        results.append(make_result(model=model, suite="memory",
                                   metrics={"points": memory, "skipped": []}))
        results.append(make_result(model=model, suite="welfake",
                                   metrics=news_metrics(300, SECTION_ACCURACY[model], seed=i)))
    return results


def write_fixture_runs(root: Path) -> None:
    """``fixture_results`` stored as run ``run-1`` under ``root``."""
    from bench.run.store import RunStore

    store = RunStore(root, "run-1")
    for result in fixture_results():
        result.job_id = f"{result.model.name}__{result.suite}"
        store.write(result)


def file_tree(directory: Path) -> dict[str, str]:
    """relative path → sha256 of every file under ``directory``, but for the scratch folder
    ``tmp/`` (locks and job scratch: never published, git-ignored)."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*"))
            if p.is_file() and p.relative_to(directory).parts[0] != "tmp"}


def board_text(results: list) -> str:
    """The leaderboard and every section's detail page as one text: all a reader reaches."""
    from bench.report.leaderboard import build

    board = build(results)
    return "\n".join([board.leaderboard(), *(board.page(s) for s in board.sections)])


def published_text(results_dir: Path) -> str:
    """``leaderboard.md`` and every section page ``bench publish`` wrote beside it."""
    pages = sorted((Path(results_dir) / "sections").glob("*.md"))
    return "\n".join(p.read_text(encoding="utf-8")
                     for p in [Path(results_dir) / "leaderboard.md", *pages])
