"""Run suites from Python, in a notebook or a script, without the CLI.

It is ``bench run`` underneath: the same planning (:class:`bench.run.request.RunRequest`),
preflight, job processes, store and resume. A run made here and one made by ``bench run``
with the same run id skip each other's finished jobs, and ``bench publish`` reads both::

    from bench.api import run

    done = run(["tinybert", "bert-base"], ["static"], weights="random-init")
    done.table("static")          # the suite's leaderboard table, a pandas DataFrame
    done.summary()                # one row per model: size, FLOPs, latency, × vs bert-base
    done.results[0].metrics       # each stored JobResult, typed

Suite flags are keyword arguments named as the flag (``--batch-sizes 1 8`` →
``batch_sizes=[1, 8]``); an unknown name, a missing input or an impossible size raises
:class:`BenchError` before any job starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.run.request import DEFAULT_MODELS, RunRequest, declared_options
from bench.run.store import DEFAULT_RESULTS_DIR
from harness.records.schema import JobResult
from suites import EFFICIENCY_SUITES, SUITES

if TYPE_CHECKING:
    import pandas as pd

    from bench.run.runner import RunReport

class BenchError(ValueError):
    """The run cannot start as asked; the message says what to change."""


@dataclass
class Run:
    """A finished run: what it did and every stored result of the jobs it was asked for."""

    run_id: str
    run_dir: Path
    results: list[JobResult]
    report: RunReport | None = None  # None when read back with :func:`load`
    not_planned: list[str] = field(default_factory=list)  # (model, suite) pairs left out, why

    def table(self, suite: str) -> pd.DataFrame:
        """The suite's own leaderboard table from these results."""
        if suite not in SUITES:
            raise BenchError(f"unknown suite {suite!r}; available: {', '.join(SUITES)}")
        return SUITES[suite].table([r for r in self.results if r.suite == suite])

    def summary(self) -> pd.DataFrame:
        """The leaderboard's summary: one row per model, cost and accuracy where measured."""
        from bench.report.summary import summary_table

        return summary_table(self.results)

    def frame(self) -> pd.DataFrame:
        """One row per result: model, suite, backend, status, threads and provenance."""
        import pandas as pd

        from harness.backends import backend_of

        return pd.DataFrame([{
            "model": r.model.name, "suite": r.suite, "backend": backend_of(r),
            "status": r.status, "threads": r.config.get("threads"), "weights": r.model.weights,
            "job_id": r.job_id, "hardware": r.hardware_fingerprint,
            "git": r.git.label, "finished_at": r.finished_at,
        } for r in self.results])


def run(models: list[str] | tuple[str, ...] = DEFAULT_MODELS,
        suites: list[str] | tuple[str, ...] = EFFICIENCY_SUITES, *,
        backends: list[str] | None = None, threads: int | None = None, full: bool = False,
        results_dir: str | Path = DEFAULT_RESULTS_DIR, run_id: str | None = None,
        force: bool = False, progress: bool = False, timeout_s: float | None = None,
        **options: Any) -> Run:
    """Plan, check and run the job matrix as ``bench run`` does; returns its results."""
    from bench.run.request import NotRun
    from bench.run.runner import default_run_id, execute
    from bench.run.store import RunStore, StoreError
    from harness.environment import usable_cores
    from harness.records.paths import is_safe_name

    known = declared_options()
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise BenchError(f"unknown option(s) {', '.join(unknown)}; the suites declare: "
                         f"{', '.join(sorted(known))}")
    if run_id is not None and not is_safe_name(run_id):
        raise BenchError(f"run id {run_id!r} is not a safe file name")
    results_dir = Path(results_dir)
    request = RunRequest(list(models), list(suites), results_dir, backends=backends,
                         full=full, timeout_s=timeout_s, values=options)
    skipped: list[str] = []
    try:
        jobs = request.checked(threads or usable_cores(), skipped.append)
    except NotRun as exc:
        raise BenchError("; ".join([str(exc), *exc.problems])) from None
    store = RunStore(results_dir, run_id or default_run_id())
    try:
        report = execute(jobs, store, force=force, show_progress=progress)
    except StoreError as exc:
        raise BenchError(f"{exc}; nothing was run") from None
    wanted = {job.job_id for job in jobs}
    stored = load(store.run_id, results_dir).results if wanted else []
    return Run(store.run_id, store.dir, [r for r in stored if r.job_id in wanted], report,
               skipped)


def load(run_id: str, results_dir: str | Path = DEFAULT_RESULTS_DIR) -> Run:
    """A stored run, read back (every readable result in it)."""
    from bench.run.store import read_run

    try:
        run_dir, found = read_run(run_id, Path(results_dir))
    except ValueError as exc:
        raise BenchError(str(exc)) from None
    return Run(run_id, run_dir, [r for _, r in found])
