"""Serving under load, on MLPerf LoadGen: SingleStream latency, the highest Server QPS whose
p99 stays under a bound, Offline throughput, and a fresh process's cold start.

The system under test is a parity-gated backend behind a dynamic batcher (dynamic padding or
length bucketing), run as N streams × T threads on the job's cores; requests are real text,
tokenized by the model's tokenizer. Every layout is tried: the single-stream layout is
searched in full, the others are challenged at the rate it sustains. See
``suites/serving/`` for each part, and docs for how to read the figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.options import WELFAKE_OPTIONS, made_once_dirs, welfake_overrides
from harness.options import WEIGHTS, Values
from harness.suite import Mode, Progress, Suite, SuiteOutput
from models_registry.meta import ModelMeta
from suites.serving.config import OPTIONS, ServingConfig
from suites.serving.evidence import EVIDENCE
from suites.serving.record import ServingMetrics
from suites.serving.report import curves, rates, serving_table

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.roles import Curves, Rate
    from harness.records.schema import JobResult

class ServingSuite(Suite):
    name = "serving"
    description = ("serving under load on MLPerf LoadGen: SingleStream p90, Server QPS at a "
                   "p99 bound, Offline samples/s, dynamic batching, streams × threads, "
                   "cold start")
    config_type = ServingConfig
    metrics_type = ServingMetrics
    options = (*OPTIONS, WEIGHTS, *WELFAKE_OPTIONS)
    order = 45
    backend_axis = True
    needs_quiet_machine = True
    default_timeout_s = 3600.0
    evidence = EVIDENCE
    rate_names = ("server-qps",)

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        squad = values.get("serving_squad")
        return {"serving_set": values.get("serving_set"),
                "squad_file": str(Path(squad).resolve()) if squad else None,
                "latency_bound_ms": values.get("latency_bound_ms"),
                "layouts": tuple(values.get("layouts") or ()) or None,
                "max_batch": values.get("max_batch"),
                "max_queue_delay_ms": values.get("max_queue_delay_ms"),
                "padding": values.get("serving_padding"),
                "search_repeats": values.get("search_repeats"),
                "cold_starts": values.get("cold_starts"),
                "accuracy": values.get("serving_accuracy"),
                "weights": values.get("weights"),
                **welfake_overrides(values), **made_once_dirs(results_dir)}

    def preset(self, mode: Mode, threads: int) -> ServingConfig:
        if mode == "full":
            return ServingConfig(threads=threads, run_lengths="mlperf", search_repeats=3,
                                 search_precision=0.02, max_probes=14, requests=2048)
        return ServingConfig(threads=threads)

    def preflight(self, config: ServingConfig) -> None:
        from harness.data.errors import DataError
        from suites.serving.layouts import layouts_for
        from suites.serving.loadgen import LoadgenMissing, require_loadgen

        try:
            require_loadgen()
        except LoadgenMissing as exc:
            raise DataError(str(exc)) from None
        try:
            layouts_for(config.threads, config.layouts)
        except ValueError as exc:
            raise DataError(f"--layouts: {exc}") from None
        if config.max_queue_delay_ms < 0:
            raise DataError("--max-queue-delay-ms must be ≥ 0")
        if config.cold_starts < 1:
            raise DataError("--cold-starts must be ≥ 1 (the issue's minimum for a median is 5)")
        if config.serving_set == "squad" or config.accuracy:
            if not config.squad_file:
                raise DataError("the serving suite's squad requests and accuracy mode need a "
                                "SQuAD file: pass --serving-squad dev-v2.0.json")
            from harness.data.squad import load_squad

            load_squad(config.squad_file, "2.0")
        if config.accuracy and config.serving_set != "squad":
            raise DataError("--serving-accuracy scores SQuAD answers: add --serving-set squad")
        if config.serving_set == "news":
            from harness.data.news import NewsSource, check_source

            check_source(NewsSource.from_dict(config.data))

    def run(self, meta: ModelMeta, config: ServingConfig, progress: Progress) -> SuiteOutput:
        from suites.serving.job import serve_model

        return serve_model(meta, config, progress)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        return serving_table(results)

    def rates(self, result: JobResult) -> list[Rate]:
        return rates(result)

    def curves(self, results: list[JobResult]) -> list[Curves]:
        return curves(results)

