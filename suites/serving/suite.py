"""Serving under load, on MLPerf LoadGen: SingleStream latency, the highest Server QPS whose
p99 stays under a bound, Offline throughput, and a fresh process's cold start.

The system under test is a parity-gated backend behind a dynamic batcher (dynamic padding or
length bucketing), run as N streams × T threads on the job's cores; requests are real text,
tokenized by the model's tokenizer. Every layout is tried: the single-stream layout is
searched in full, the others are challenged at the rate it sustains. See
``suites/serving/`` for each part, and docs for how to read the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models_registry.meta import ModelMeta
from suites.accuracy.options import WELFAKE_OPTIONS, made_once_dirs, welfake_overrides
from suites.base import EfficiencyConfig, Mode, Progress, Suite, SuiteOutput
from suites.options import WEIGHTS, Option, Values, positive_int
from suites.serving.evidence import EVIDENCE
from suites.serving.record import ServingMetrics
from suites.serving.report import curves, rates, serving_table

if TYPE_CHECKING:
    import pandas as pd

    from suites.records.roles import Curves, Rate
    from suites.records.schema import JobResult

GROUP = "serving suite"
MLPERF_BOUND_MS = 130.0  # MLPerf Inference's Server p99 bound for BERT


def _default_news() -> dict[str, Any]:
    from suites.data.news import welfake_source

    return welfake_source(None).to_dict()


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(f"{text}: must be > 0")
    return value


OPTIONS = (
    Option("--serving-set", "requests from 'news' (--welfake and its column options: the "
           "shared headlines or articles) or 'squad' (question + context windows of "
           "--serving-squad); default news", GROUP, {"choices": ["news", "squad"]}),
    Option("--serving-squad", "a SQuAD v2.0 dev file (official JSON or hub-layout JSON "
           "lines) for --serving-set squad and the accuracy mode", GROUP),
    Option("--latency-bound-ms", f"Server p99 bound (default {MLPERF_BOUND_MS:g}, MLPerf's "
           "for BERT)", GROUP, {"type": _positive_float}),
    Option("--layouts", "STREAMSxTHREADS layouts to try, e.g. 1x2 2x1 (default: every "
           "split of --threads)", GROUP, {"nargs": "+"}),
    Option("--max-batch", "dynamic batcher: most requests per batch (default 8)", GROUP,
           {"type": positive_int}),
    Option("--max-queue-delay-ms", "dynamic batcher: longest wait for a fuller batch "
           "(default 0: take what is waiting)", GROUP, {"type": float}),
    Option("--serving-padding", "pad each batch: fixed (to the set's length), dynamic (to its "
           "longest) or bucketed (fill with the nearest lengths); default dynamic", GROUP,
           {"choices": ["fixed", "dynamic", "bucketed"]}),
    Option("--search-repeats", "Server searches of the best layout (default 1; --full 3): "
           "their spread is the ratio's interval", GROUP, {"type": positive_int}),
    Option("--cold-starts", "fresh processes timed to their first answer (default 5)", GROUP,
           {"type": positive_int}),
    Option("--serving-accuracy", "also run LoadGen's AccuracyOnly mode: the served answers "
           "scored against fp32 eager on the same rows (needs a SQuAD-fine-tuned model and "
           "--serving-squad)", GROUP, {"action": "store_true", "default": None}),
)


@dataclass(frozen=True, kw_only=True)
class ServingConfig(EfficiencyConfig):
    serving_set: str = "news"
    data: dict[str, Any] = field(default_factory=_default_news)  # a NewsSource
    squad_file: str | None = None
    requests: int = 512  # distinct requests LoadGen draws from (its performance set)
    latency_bound_ms: float = MLPERF_BOUND_MS
    layouts: tuple[str, ...] = ()
    max_batch: int = 8
    max_queue_delay_ms: float = 0.0
    padding: str = "dynamic"
    run_lengths: str = "quick"  # "quick" (lowered, said so) or "mlperf" (MLPerf's minimums)
    search_precision: float = 0.05
    max_probes: int = 8
    search_repeats: int = 1
    cold_starts: int = 5
    accuracy: bool = False
    parity_gate: bool = True
    finetuned_dir: str | None = None
    splits_dir: str | None = None


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
        from suites.data.errors import DataError
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
            from suites.data.squad import load_squad

            load_squad(config.squad_file, "2.0")
        if config.accuracy and config.serving_set != "squad":
            raise DataError("--serving-accuracy scores SQuAD answers: add --serving-set squad")
        if config.serving_set == "news":
            from suites.data.news import NewsSource, check_source

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

