"""CPU latency over a batch × sequence-length sweep, per inference backend.

Every job: the parity gate first (the backend against fp32 eager on a trained model of the
family), then the conversion (export / quantization / compile, timed apart), then per point
the first call (a compile or a new shape's graph) and the steady-state samples, with FLOPs,
achieved GFLOP/s and the share of the machine's measured GEMM peak.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from models_registry.meta import ModelMeta
from suites.base import Mode, Progress, Suite, SuiteOutput, SweepConfig
from suites.latency.tracker import LatencyStats
from suites.table import model_label, ok_results

if TYPE_CHECKING:
    import pandas as pd

    from bench.result_schema import JobResult

QUICK_GRID = ((1, 8), (128, 512))
FULL_GRID = ((1, 2, 4, 8, 16, 32), (64, 128, 256, 512))


@dataclass(frozen=True, kw_only=True)
class LatencyConfig(SweepConfig):
    warmup: int = 1
    min_repeats: int = 5
    min_time_s: float = 1.0
    max_repeats: int = 1000
    parity_gate: bool = True


def roofline_fields(flops: int, p50_ms: float, peak_gflops: float | None) -> dict[str, Any]:
    achieved = flops / (p50_ms / 1e3) / 1e9
    return {
        "flops": flops,
        "achieved_gflops": round(achieved, 2),
        "pct_of_peak": None if not peak_gflops else round(100 * achieved / peak_gflops, 1),
    }


class LatencySuite(Suite):
    name = "latency"
    description = "forward-pass latency sweep per backend (p50/p90/p99, GFLOP/s, % of GEMM peak)"
    config_type = LatencyConfig
    frameworks = ("transformers", "sklearn")
    backend_axis = True
    needs_quiet_machine = True
    needs_machine_peak = True

    def preset(self, mode: Mode, threads: int) -> LatencyConfig:
        if mode == "full":
            return LatencyConfig(
                threads=threads, batch_sizes=FULL_GRID[0], seq_lens=FULL_GRID[1],
                warmup=2, min_repeats=10, min_time_s=3.0,
            )
        return LatencyConfig(threads=threads, batch_sizes=QUICK_GRID[0], seq_lens=QUICK_GRID[1])

    def run(self, meta: ModelMeta, config: LatencyConfig, progress: Progress) -> SuiteOutput:
        if meta.framework == "sklearn":
            return self._run_sklearn(meta, config, progress)
        from suites.backends import REFERENCE, get_backend
        from suites.backends.parity import check_parity
        from suites.inputs import synthetic_batch
        from suites.latency.disturbance import measure_undisturbed
        from suites.latency.roofline import peaks_for_job
        from suites.latency.tracker import time_calls, warm_up
        from suites.runtime import (
            configure_torch,
            load_for_job,
            runnable_points,
            runtime_record,
        )
        from suites.static.flops import counted_flops

        configure_torch(config)
        backend = get_backend(config.backend)
        if reason := backend.unavailable():
            raise RuntimeError(reason)
        progress(f"{meta.name} {backend.name}: machine GEMM peak")
        peaks, peak_source = peaks_for_job(config.threads)
        parity = None
        if config.parity_gate and backend.name != REFERENCE:
            progress(f"{meta.name} {backend.name}: parity gate")
            parity = check_parity(backend, meta.build_config(), REFERENCE).to_dict()

        model, weights, meta = load_for_job(meta, config)
        points = []
        grid, skipped = runnable_points(model, config.points())
        # FLOPs are the model's arithmetic, the same whichever backend runs it.
        flops = {point: counted_flops(model, *point, seed=config.seed) for point in grid}
        example = synthetic_batch(*grid[0], model.config.vocab_size)
        progress(f"{meta.name} {backend.name}: convert")
        prepared = backend.prepare(model, example)
        peak = peaks.gflops(backend.precision)
        try:
            for batch_size, seq_len in grid:
                progress(f"{meta.name} {backend.name} b{batch_size}/s{seq_len}")
                inputs = synthetic_batch(batch_size, seq_len, model.config.vocab_size,
                                         config.seed)
                first = time_calls(lambda inputs=inputs: prepared.call(inputs), warmup=0,
                                   min_repeats=1, min_time_s=0.0, max_repeats=1)[0]
                warm = warm_up(lambda inputs=inputs: prepared.call(inputs),
                               min_calls=config.warmup)
                samples, machine = measure_undisturbed(
                    lambda inputs=inputs: time_calls(
                        lambda: prepared.call(inputs),
                        warmup=0, min_repeats=config.min_repeats,
                        min_time_s=config.min_time_s, max_repeats=config.max_repeats),
                    on_retry=lambda a, p=(batch_size, seq_len): progress(
                        f"b{p[0]}/s{p[1]}: machine busy ({a.other_cpu_cores} cores other, "
                        f"{a.steal_cores} steal), timing again"),
                )
                stats = LatencyStats.from_samples(batch_size, seq_len, samples, len(warm))
                points.append({
                    **stats.to_dict(), "first_call_ms": round(first * 1e3, 3),
                    **roofline_fields(flops[(batch_size, seq_len)], stats.p50_ms, peak),
                    "disturbed": machine["disturbed"], "machine": machine,
                })
        finally:
            prepared.close()
        runtime = runtime_record(config, model)
        runtime.update(backend=backend.name, precision=backend.precision,
                       backend_details=prepared.details)
        return SuiteOutput(
            metrics={
                "points": points, "skipped": skipped,
                "backend": backend.name, "precision": backend.precision,
                "prepare_s": round(prepared.prepare_s, 3),
                "parity": parity,
                "machine_peak": {**peaks.to_dict(), "source": peak_source},
                "peak_gflops_used": peak,
            },
            runtime=runtime,
            weights=weights,
            family=meta.family,
        )

    def _run_sklearn(
        self, meta: ModelMeta, config: LatencyConfig, progress: Progress
    ) -> SuiteOutput:
        """The TF-IDF baseline: ``predict_proba`` on texts of ``seq_len`` words."""
        import sklearn

        from suites.inputs import synthetic_texts
        from suites.latency.disturbance import measure_undisturbed
        from suites.latency.tfidf_target import fitted_baseline
        from suites.latency.tracker import time_calls

        classifier, weights = fitted_baseline(meta, config)
        points = []
        for batch_size, seq_len in config.points():
            progress(f"{meta.name} latency b{batch_size}/s{seq_len}")
            texts = synthetic_texts(batch_size, seq_len, config.seed)
            samples, machine = measure_undisturbed(
                lambda texts=texts: time_calls(
                    lambda: classifier.predict_proba(texts),
                    warmup=config.warmup, min_repeats=config.min_repeats,
                    min_time_s=config.min_time_s, max_repeats=config.max_repeats))
            points.append({
                **LatencyStats.from_samples(batch_size, seq_len, samples,
                                            config.warmup).to_dict(),
                "disturbed": machine["disturbed"], "machine": machine,
            })
        runtime = {"backend": f"scikit-learn {sklearn.__version__}", "dtype": "float64",
                   "intra_op_threads": 1, "inter_op_threads": 1,
                   "inputs": "synthetic texts, seq_len pseudo-words each"}
        metrics = {"points": points, "skipped": [], "backend": "scikit-learn",
                   "tfidf_features": len(classifier.vectorizer.vocabulary_)}
        return SuiteOutput(metrics=metrics, runtime=runtime,
                           weights=weights, family=meta.family)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for result in ok_results(results):
            for point in result.metrics["points"]:
                point = dict(point)
                extra = {k: point.pop(k, None) for k in
                         ("first_call_ms", "flops", "achieved_gflops", "pct_of_peak",
                          "disturbed", "machine")}
                stats = LatencyStats.from_dict(point)
                row = {"model": model_label(result),
                       "backend": result.metrics.get("backend") or result.runtime.get("backend"),
                       **stats.row()}
                if extra["achieved_gflops"] is not None:
                    row["GFLOP/s"] = extra["achieved_gflops"]
                    row["% peak"] = extra["pct_of_peak"]
                if extra["disturbed"]:
                    machine = extra["machine"]
                    row["disturbed"] = (f"yes: {machine['other_cpu_cores']} cores other, "
                                        f"{machine['steal_cores']} steal")
                rows.append(row)
        return pd.DataFrame(rows)
