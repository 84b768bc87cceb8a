"""The three MLPerf scenarios run against one serving setup, with the run lengths of the
quick preset or MLPerf's own minimums (``--full``)."""

from __future__ import annotations

import gc
from dataclasses import asdict, dataclass
from typing import Any

from suites.serving.batcher import DynamicBatcher
from suites.serving.loadgen import RunPlan, RunResult, run_test
from suites.serving.search import Probe

# MLPerf Inference's minimums (mlperf.conf): 600 s every scenario; queries per scenario.
MLPERF_MIN_DURATION_MS = 600_000
MLPERF_MIN_QUERIES = {"SingleStream": 1024, "Server": 270_336, "Offline": 24_576}
WARM_UP_QUERIES = 128
# A Server run whose late answers all arrived within this window is one pause, run again.
STALL_WINDOW_MS = 500.0


@dataclass(frozen=True)
class RunLengths:
    """Minimum duration and query count per scenario (Offline: samples)."""

    single_ms: int
    single_queries: int
    server_ms: int
    server_queries: int
    offline_ms: int
    offline_samples: int

    @classmethod
    def mlperf(cls) -> RunLengths:
        q = MLPERF_MIN_QUERIES
        return cls(MLPERF_MIN_DURATION_MS, q["SingleStream"], MLPERF_MIN_DURATION_MS,
                   q["Server"], MLPERF_MIN_DURATION_MS, q["Offline"])

    def is_mlperf(self) -> bool:
        return self == RunLengths.mlperf()

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "mlperf_minimums": self.is_mlperf()}


class Scenarios:
    """Runs LoadGen tests against ``batcher`` (the layout in force)."""

    def __init__(self, batcher: DynamicBatcher, n_samples: int, lengths: RunLengths,
                 bound_ms: float, seed: int) -> None:
        self.batcher, self.n, self.lengths = batcher, n_samples, lengths
        self.bound_ms, self.seed = bound_ms, seed

    def _run(self, plan: RunPlan) -> tuple[RunResult, dict[str, Any]]:
        self.batcher.reset_stats()
        # A full collection in the middle of a run stops every thread holding the GIL (the
        # issuing, batching and answering ones): tens of ms over a model's heap. Collect
        # now and freeze what exists, as long-running servers do; only garbage made during
        # the run is then ever traversed.
        gc.collect()
        gc.freeze()
        result = run_test(plan, self.batcher.submit, self.n, self.n)
        if self.batcher.errors:
            raise RuntimeError(f"the model failed while serving: {self.batcher.errors[0]!r}"
                               ) from self.batcher.errors[0]
        return result, self.batcher.stats().to_dict()

    def single_stream(self) -> tuple[RunResult, dict[str, Any]]:
        return self._run(RunPlan("SingleStream", self.lengths.single_ms,
                                  self.lengths.single_queries, seed=self.seed))

    def offline(self, expected_qps: float) -> tuple[RunResult, dict[str, Any]]:
        # LoadGen sizes the one Offline query as expected QPS × min duration (at least the
        # minimum sample count): the hint comes from the SingleStream rate.
        return self._run(RunPlan("Offline", self.lengths.offline_ms,
                                  self.lengths.offline_samples, expected_qps=expected_qps,
                                  seed=self.seed))

    def server(self, qps: float) -> tuple[RunResult, dict[str, Any]]:
        return self._run(RunPlan("Server", self.lengths.server_ms, self.lengths.server_queries,
                                  target_qps=qps, latency_bound_ms=self.bound_ms,
                                  seed=self.seed))

    def warm_up(self, qps: float) -> None:
        """A short Server run, not kept: the first Poisson run of a setup reads slower than
        the ones after it (measured: DistilBERT's p99 118 ms, then 60-71 ms at 22-35 QPS), so
        no probe of the search is that first run."""
        run_test(RunPlan("Server", 500, WARM_UP_QUERIES, target_qps=qps,
                          latency_bound_ms=self.bound_ms, seed=self.seed + 1),
                 self.batcher.submit, self.n, self.n)

    def probe(self, qps: float, keep: list[tuple[float, RunResult]] | None = None) -> Probe:
        """One Server run at ``qps``. A run that fails only through one burst of late answers
        (every request over the bound arrived within STALL_WINDOW_MS: a pause, not a queue
        the rate keeps building) is run once more, and both runs are recorded."""
        result, batches = self.server(qps)
        stall = None if result.valid else self.batcher.stall(self.bound_ms, STALL_WINDOW_MS)
        if stall is not None:
            stall.update(p99_ms=result.latency_ms.get("p99"),
                         why_invalid=", ".join(k for k, ok in result.validity.items()
                                               if not ok))
            result, batches = self.server(qps)
        if keep is not None:  # by the rate asked for: LoadGen's log rounds the rate it reports
            keep.append((qps, result))
        failed = [part for part, ok in result.validity.items() if not ok]
        return Probe(qps, result.valid, result.latency_ms.get("p99"), result.completed_qps,
                     ", ".join(failed), {"mean_batch": batches["mean_batch"],
                                         "pad_fraction": batches["pad_fraction"],
                                         "queries": result.query_count,
                                         "over_bound": result.overlatency_count,
                                         "rerun_after_stall": stall})

    def accuracy(self) -> RunResult:
        result, _ = self._run(RunPlan("Offline", 0, self.n, expected_qps=1.0, accuracy=True,
                                       seed=self.seed))
        return result
