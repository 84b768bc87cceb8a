"""CPU latency over a batch × sequence-length sweep, per inference backend.

Every job: the parity gate first (the backend against fp32 eager on a trained model of the
family), then the conversion (export / quantization / compile, timed apart). The jobs of a
run that share their timing settings are then timed together, in one process, in
interleaved rounds (``suites.latency.rounds``): per point the first call (a compile or a new
shape's graph), a warm-up until stable, and the rounds, with FLOPs, achieved GFLOP/s and
the share of the machine's measured GEMM peak. Ratios between them are paired by round
(``harness.ratios``).
"""

from __future__ import annotations

import json
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.options import made_once_dirs
from harness.options import SWEEP_OPTIONS, Values, sweep_overrides
from harness.records.roles import LATENCY
from harness.suite import FULL_GRID, QUICK_GRID, Mode, Progress, Suite, SuiteOutput, SweepConfig
from harness.table import model_label, ok_results
from harness.timing.roofline import peak_share
from harness.timing.tracker import LatencyStats
from models_registry.meta import ModelMeta
from suites.latency.evidence import p90_ms_claim, speed_ratio_claim
from suites.latency.points import control_record, disturbed_note, point_record
from suites.latency.record import LatencyMetrics
from suites.latency.rounds import Entry, Point, PointTiming, RoundPlan, interleave

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult



# What a group's entries must share to be timed together (everything but how each entry
# runs: its backend, attention kernel, weights and parity gate).
PER_ENTRY_KEYS = frozenset({"backend", "attn_implementation", "dtype", "weights",
                            "parity_gate"})


@dataclass(frozen=True, kw_only=True)
class LatencyConfig(SweepConfig):
    """Timing settings; see ``suites.latency.rounds`` for how a point is timed."""

    warmup: int = 1
    min_time_s: float = 2.0
    burst_s: float = 0.2
    # 6: the fewest rounds whose order statistics give a 95% interval (harness.ratios)
    min_rounds: int = 6
    max_rounds: int = 50
    # Then more rounds while a ratio's 95% CI is wider than ± this %, within max_point_s
    # per point (suites.latency.rounds); None: the planned rounds only.
    target_ci_pct: float | None = 1.5
    max_point_s: float = 20.0
    # The group's cheapest entry is timed twice as two entries: its ratio to itself (1 by
    # construction) shows how far this run's rounds move a ratio by chance.
    aa_control: bool = True
    parity_gate: bool = True
    # Where the gate looks for a real fine-tuned model (harness.accuracy.real_parity).
    finetuned_dir: str | None = None
    splits_dir: str | None = None

    def round_plan(self) -> RoundPlan:
        return RoundPlan(warmup=self.warmup, min_time_s=self.min_time_s,
                         burst_s=self.burst_s, min_rounds=self.min_rounds,
                         max_rounds=self.max_rounds, target_ci_pct=self.target_ci_pct,
                         max_point_s=self.max_point_s)


class _Timed:
    """One job of a group, set up in this process: what to call at a point, and how its
    timings become the job's output."""

    def __init__(self, name: str, points: list[Point], call_at: Callable, cost: float,
                 finish: Callable[[dict[Point, PointTiming], dict[str, Any]], SuiteOutput],
                 close: Callable[[], None] = lambda: None) -> None:
        self.entry = Entry(name, points, call_at)
        self.cost, self.finish, self.close = cost, finish, close


class LatencySuite(Suite):
    name = "latency"
    description = ("forward-pass latency sweep per backend, timed in interleaved rounds "
                   "(p50/p90/p99, GFLOP/s, % of GEMM peak)")
    config_type = LatencyConfig
    metrics_type = LatencyMetrics
    options = SWEEP_OPTIONS
    order = 20
    in_main_job = True
    measures = LATENCY
    evidence = {"latency_ratio": speed_ratio_claim,  # noqa: RUF012 (read-only)
                "latency_p90_ms": p90_ms_claim}
    frameworks = ("transformers", "sklearn")
    backend_axis = True
    fixed_shapes = True
    needs_quiet_machine = True
    needs_machine_peak = True

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        return {**sweep_overrides(values), **made_once_dirs(results_dir)}

    def preset(self, mode: Mode, threads: int) -> LatencyConfig:
        if mode == "full":
            return LatencyConfig(
                threads=threads, batch_sizes=FULL_GRID[0], seq_lens=FULL_GRID[1],
                warmup=2, min_time_s=5.0, burst_s=0.25, min_rounds=10, max_rounds=200,
                target_ci_pct=1.0, max_point_s=60.0,
            )
        return LatencyConfig(threads=threads, batch_sizes=QUICK_GRID[0], seq_lens=QUICK_GRID[1])

    def group_key(self, config: dict[str, Any]) -> str | None:
        return json.dumps({k: v for k, v in config.items() if k not in PER_ENTRY_KEYS},
                          sort_keys=True)

    def run(self, meta: ModelMeta, config: LatencyConfig, progress: Progress) -> SuiteOutput:
        (output,) = self.run_group([(meta, config)], progress)
        if isinstance(output, BaseException):
            raise output
        return output

    def run_group(self, jobs: list[tuple[ModelMeta, LatencyConfig]], progress: Progress,
                  ) -> list[SuiteOutput | BaseException]:
        """Set every job up (one failing leaves the others), time them all in interleaved
        rounds, then build each job's output. Jobs must share ``group_key``."""
        outputs: list[SuiteOutput | BaseException | None] = [None] * len(jobs)
        timed: dict[int, _Timed] = {}
        group = uuid.uuid4().hex[:12]
        taken: set[str] = set()
        for i, (meta, config) in enumerate(jobs):
            try:
                job = (self._sklearn_job(meta, config, progress) if meta.framework == "sklearn"
                       else self._torch_job(meta, config, progress))
            except Exception as exc:
                traceback.print_exc()
                outputs[i] = exc
                continue
            while job.entry.name in taken:  # the same model and backend twice
                job.entry.name += "'"
            taken.add(job.entry.name)
            timed[i] = job
        entries = [job.entry for job in timed.values()]
        twin = control = None
        config = jobs[0][1]
        if config.aa_control and len(timed) >= 2:
            twin = min(timed.values(), key=lambda job: job.cost).entry
            control = Entry(f"{twin.name} (A/A)", twin.points, twin.call_at)
            entries.append(control)
        try:
            timings, failures = interleave(entries, config.round_plan(), progress)
        finally:
            for job in timed.values():
                job.close()
        interleaving = {
            "group": group, "entries": [e.name for e in entries],
            "plan": asdict(config.round_plan()),
            "control": control_record(twin, control, timings, group) if control else None,
        }
        for i, job in timed.items():
            failure = failures.get(job.entry.name)
            if failure is not None:
                outputs[i] = failure
                continue
            try:
                outputs[i] = job.finish(timings[job.entry.name], interleaving)
            except Exception as exc:
                traceback.print_exc()
                outputs[i] = exc
        return outputs  # type: ignore[return-value]

    def _torch_job(self, meta: ModelMeta, config: LatencyConfig, progress: Progress) -> _Timed:
        from harness.accuracy.gate import gated_parity
        from harness.backends import get_backend
        from harness.flops import counted_flops
        from harness.inputs import synthetic_batch
        from harness.runtime import (
            configure_torch,
            load_for_job,
            runnable_points,
            runtime_record,
        )
        from harness.timing.roofline import peaks_for_job, roofline_fields

        configure_torch(config)
        backend = get_backend(config.backend)
        if reason := backend.unavailable():
            raise RuntimeError(reason)
        progress(f"{meta.name} {backend.name}: machine GEMM peak")
        peaks, peak_source = peaks_for_job(config.threads)
        parity = gated_parity(backend, meta, config, progress)

        progress(f"{meta.name} {backend.name}: load")
        model, weights, meta = load_for_job(meta, config)
        grid, skipped = runnable_points(model, config.points())
        # FLOPs are the model's arithmetic, the same whichever backend runs it.
        flops = {point: counted_flops(model, *point, seed=config.seed) for point in grid}
        example = synthetic_batch(*grid[0], model.config.vocab_size)
        progress(f"{meta.name} {backend.name}: convert")
        prepared = backend.prepare(model, example, shapes=grid)
        peak = peaks.gflops(backend.precision)
        runtime = runtime_record(config, model)
        runtime.update(backend=backend.name, precision=backend.precision,
                       backend_details=prepared.details)
        vocab = model.config.vocab_size

        def call_at(point: Point) -> Callable[[], object]:
            inputs = synthetic_batch(*point, vocab, config.seed)
            return lambda: prepared.call(inputs)

        def finish(timings: dict[Point, PointTiming], interleaving: dict) -> SuiteOutput:
            points = []
            for point in grid:
                record = point_record(point, timings[point], interleaving["group"])
                points.append({**record, **roofline_fields(flops[point], record["p50_ms"],
                                                           peak)})
            return SuiteOutput(
                metrics={
                    "points": points, "skipped": skipped,
                    "backend": backend.name, "precision": backend.precision,
                    "prepare_s": round(prepared.prepare_s, 3),
                    "parity": parity,
                    "machine_peak": {**peaks.to_dict(), "source": peak_source},
                    "peak_gflops_used": peak,
                    "interleaving": interleaving,
                },
                runtime=runtime, weights=weights, family=meta.family,
            )

        cost = sum(flops.values()) / (0.5 if backend.precision == "fp32" else 1.0)
        return _Timed(f"{meta.name}/{backend.name}", grid, call_at, cost, finish,
                      prepared.close)

    def _sklearn_job(self, meta: ModelMeta, config: LatencyConfig, progress: Progress
                     ) -> _Timed:
        """The TF-IDF baseline: ``predict_proba`` on texts of ``seq_len`` words."""
        import sklearn

        from harness.inputs import synthetic_texts
        from suites.latency.tfidf_target import fitted_baseline

        progress(f"{meta.name}: fit")
        classifier, weights = fitted_baseline(meta, config)
        grid = config.points()

        def call_at(point: Point) -> Callable[[], object]:
            texts = synthetic_texts(*point, config.seed)
            return lambda: classifier.predict_proba(texts)

        def finish(timings: dict[Point, PointTiming], interleaving: dict) -> SuiteOutput:
            runtime = {"backend": f"scikit-learn {sklearn.__version__}", "dtype": "float64",
                       "intra_op_threads": 1, "inter_op_threads": 1,
                       "inputs": "synthetic texts, seq_len pseudo-words each"}
            metrics = {"points": [point_record(p, timings[p], interleaving["group"])
                                  for p in grid],
                       "skipped": [], "backend": "scikit-learn",
                       "tfidf_features": len(classifier.vectorizer.vocabulary_),
                       "interleaving": interleaving}
            return SuiteOutput(metrics=metrics, runtime=runtime, weights=weights,
                               family=meta.family)

        return _Timed(meta.name, grid, call_at, 0.0, finish)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for result in ok_results(results):
            for point in result.metrics["points"]:
                stats = LatencyStats.from_dict(point)
                row = {"model": model_label(result),
                       "backend": result.metrics.get("backend") or result.runtime.get("backend"),
                       **stats.row()}
                if point.get("round_calls"):
                    row["rounds"] = len(point["round_calls"])
                    row["level ±%"] = point.get("noise_pct")
                if point.get("achieved_gflops") is not None:
                    row["GFLOP/s"] = point["achieved_gflops"]
                    row["% peak"] = peak_share(point["pct_of_peak"])
                if point.get("joules_per_call") is not None:
                    row["J / call"] = point["joules_per_call"]
                elif point.get("energy"):  # the full reason stays in the result
                    row["J / call"] = ("n/a (no RAPL)" if "no RAPL" in point["energy"]
                                       else "n/a")
                if point.get("disturbed"):
                    row["disturbed"] = disturbed_note(point["machine"])
                rows.append(row)
        return pd.DataFrame(rows)
