"""CPU latency over a batch × sequence-length sweep, fp32, ``torch.inference_mode``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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


class LatencySuite(Suite):
    name = "latency"
    description = "forward-pass latency sweep (p50/p90/p99, ms/sample, samples/s)"
    config_type = LatencyConfig
    frameworks = ("transformers", "sklearn")

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
        import torch

        from suites.inputs import synthetic_batch
        from suites.latency.tracker import time_calls
        from suites.runtime import (
            configure_torch,
            load_for_job,
            runtime_record,
            unsupported_seq_len,
        )

        configure_torch(config)
        model, weights, meta = load_for_job(meta, config)
        points, skipped = [], []
        for batch_size, seq_len in config.points():
            reason = unsupported_seq_len(model, seq_len)
            if reason:
                skipped.append({"batch_size": batch_size, "seq_len": seq_len, "reason": reason})
                continue
            progress(f"{meta.name} latency b{batch_size}/s{seq_len}")
            inputs = synthetic_batch(batch_size, seq_len, model.config.vocab_size, config.seed)
            with torch.inference_mode():
                samples = time_calls(
                    lambda inputs=inputs: model(**inputs),
                    warmup=config.warmup,
                    min_repeats=config.min_repeats,
                    min_time_s=config.min_time_s,
                    max_repeats=config.max_repeats,
                )
            stats = LatencyStats.from_samples(batch_size, seq_len, samples, config.warmup)
            points.append(stats.to_dict())
        return SuiteOutput(
            metrics={"points": points, "skipped": skipped},
            runtime=runtime_record(config, model),
            weights=weights,
            family=meta.family,
        )

    def _run_sklearn(
        self, meta: ModelMeta, config: LatencyConfig, progress: Progress
    ) -> SuiteOutput:
        """The TF-IDF baseline: ``predict_proba`` on texts of ``seq_len`` words."""
        import sklearn

        from suites.inputs import synthetic_texts
        from suites.latency.tfidf_target import fitted_baseline
        from suites.latency.tracker import time_calls

        classifier, weights = fitted_baseline(meta, config)
        points = []
        for batch_size, seq_len in config.points():
            progress(f"{meta.name} latency b{batch_size}/s{seq_len}")
            texts = synthetic_texts(batch_size, seq_len, config.seed)
            samples = time_calls(
                lambda texts=texts: classifier.predict_proba(texts),
                warmup=config.warmup, min_repeats=config.min_repeats,
                min_time_s=config.min_time_s, max_repeats=config.max_repeats,
            )
            points.append(
                LatencyStats.from_samples(batch_size, seq_len, samples, config.warmup).to_dict()
            )
        runtime = {"backend": f"scikit-learn {sklearn.__version__}", "dtype": "float64",
                   "intra_op_threads": 1, "inter_op_threads": 1,
                   "inputs": "synthetic texts, seq_len pseudo-words each"}
        metrics = {"points": points, "skipped": [],
                   "tfidf_features": len(classifier.vectorizer.vocabulary_)}
        return SuiteOutput(metrics=metrics, runtime=runtime,
                           weights=weights, family=meta.family)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for result in ok_results(results):
            for point in result.metrics["points"]:
                stats = LatencyStats.from_dict(point)
                rows.append({"model": model_label(result), **stats.row()})
        return pd.DataFrame(rows)
