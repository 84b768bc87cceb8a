"""WELFake in-domain: fine-tune on the standardized 70/15/15 splits, evaluate on test.

Every model sees the same split files (identical fingerprints in every result); the
fine-tuned model is saved for the external suite.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.options import (
    BUDGET_OPTIONS,
    WELFAKE_OPTIONS,
    budget_overrides,
    welfake_overrides,
)
from harness.data.news import NEWS_LABELS
from harness.options import Values
from harness.records.roles import Evaluation
from harness.suite import Mode, Progress, Suite, SuiteOutput
from models_registry.meta import ModelMeta
from suites.welfake.record import WelfakeMetrics

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult


from harness.accuracy.news_task import (
    WelfakeConfig,
    fake_operating_points,
    load_splits,
    train_news_classifier,
    validation_thresholds,
)


class WelfakeSuite(Suite):
    name = "welfake"
    description = "WELFake in-domain: fine-tune on 70/15/15 splits, test accuracy/F1/CIs/ECE"
    config_type = WelfakeConfig
    metrics_type = WelfakeMetrics
    options = (*WELFAKE_OPTIONS, *BUDGET_OPTIONS)
    order = 60
    default_timeout_s = 6 * 3600.0
    frameworks = ("transformers", "sklearn")
    uses_gpu = True  # fine-tunes with the Hugging Face Trainer

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        return {**welfake_overrides(values), **budget_overrides(values, results_dir)}

    def evaluations(self, result: JobResult) -> list[Evaluation]:
        test = WelfakeMetrics.from_dict(result.metrics, source=result.job_id).test
        return [Evaluation("in-domain test", "in-domain test", test,
                           summary_column="in-domain acc %")]

    def preset(self, mode: Mode, threads: int) -> WelfakeConfig:
        return WelfakeConfig(threads=threads)

    def preflight(self, config: WelfakeConfig) -> None:
        """A local file is read whole (seconds): one class, too few rows or bad labels stop
        the run here, not inside a job."""
        from harness.data.news import check_source, splittable_news

        source = config.source()
        source.check_trainable()
        config.check_budget(len(NEWS_LABELS), f"news set {source.name!r} "
                                              f"({source.path or 'hub copy'})")
        check_source(source)
        if source.path is not None:
            splittable_news(source)

    def run(self, meta: ModelMeta, config: WelfakeConfig, progress: Progress) -> SuiteOutput:
        from harness.accuracy.models import save_finetuned
        from harness.accuracy.scoring import backend_deltas, evaluate_split
        from harness.runtime import accuracy_runtime, configure_torch

        configure_torch(config)
        progress("loading WELFake splits")
        splits = load_splits(config)
        classifier, tokenizer, weights, training = train_news_classifier(
            meta, config, splits, progress
        )
        progress(f"{meta.name}: operating points on validation "
                 f"({len(splits['validation'])} rows)")
        thresholds = validation_thresholds(classifier, splits["validation"], progress)
        progress(f"{meta.name}: evaluating on test ({len(splits['test'])} rows)")
        test, probs = evaluate_split(classifier, splits["test"], config, progress,
                                     positive="fake")
        test["operating_points"] = fake_operating_points(splits["test"], probs, thresholds)
        if deltas := backend_deltas(classifier, splits["test"], probs, config, progress):
            test["backends"] = deltas
        data = {name: split.describe() for name, split in splits.items()}
        saved = save_finetuned(
            config.finetuned_path(meta), classifier, tokenizer,
            {"model": meta.name, "recipe": config.recipe(), "data": data, "training": training,
             "test": {k: test[k] for k in ("accuracy", "f1_weighted", "ci95", "n")},
             "thresholds": thresholds},
        )
        metrics = {
            "data": data, "budget": config.budget(), "training": training, "test": test,
            "finetuned_dir": str(saved),
        }
        return SuiteOutput(metrics=metrics, runtime=accuracy_runtime(config, classifier),
                           weights=weights, family=meta.family)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        from harness.accuracy.tables import news_rows

        return news_rows(results, "test", "in-domain test")
