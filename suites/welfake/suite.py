"""WELFake in-domain: fine-tune on the standardized 70/15/15 splits, evaluate on test.

Every model sees the same split files (identical fingerprints in every result); the
fine-tuned model is saved for the external suite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models_registry.meta import ModelMeta
from suites.accuracy.config import AccuracyConfig
from suites.accuracy.options import (
    BUDGET_OPTIONS,
    WELFAKE_OPTIONS,
    budget_overrides,
    welfake_overrides,
)
from suites.base import Mode, Progress, Suite, SuiteOutput
from suites.data.news import NEWS_LABELS, NewsSource, welfake_source
from suites.options import Values
from suites.records.roles import Evaluation
from suites.welfake.record import WelfakeMetrics

if TYPE_CHECKING:
    import pandas as pd

    from suites.records.schema import JobResult


def _default_source() -> dict[str, Any]:
    return welfake_source(None).to_dict()


@dataclass(frozen=True, kw_only=True)
class WelfakeConfig(AccuracyConfig):
    data: dict[str, Any] = field(default_factory=_default_source)
    splits_dir: str = "results/splits"

    def source(self) -> NewsSource:
        return NewsSource.from_dict(self.data)

    def recipe(self) -> dict[str, Any]:
        """Everything that decides what a fine-tuned model is (not threads, not eval size)."""
        return {"data": self.data, "seed": self.seed, "max_train_samples": self.max_train_samples,
                **self.hparam_overrides()}

    def finetuned_path(self, meta: ModelMeta) -> Path:
        from suites.accuracy.models import finetune_tag

        return Path(self.finetuned_dir) / finetune_tag(meta, self.recipe())


def load_splits(config: WelfakeConfig) -> dict[str, Any]:
    """Standard splits, then the run's budget: stratified caps on train and eval rows."""
    from suites.data.news import standard_splits

    splits = standard_splits(config.source(), config.splits_dir)
    return {
        "train": splits["train"].stratified_sample(config.max_train_samples, config.seed),
        "validation": splits["validation"].stratified_sample(config.max_eval_samples, config.seed),
        "test": splits["test"].stratified_sample(config.max_eval_samples, config.seed),
    }


FAKE = NEWS_LABELS.index("fake")


def validation_thresholds(classifier: Any, split: Any, progress: Progress
                          ) -> dict[str, float | None]:
    """The fake-probability thresholds that keep the false-positive rate at 1% and 5% on
    the validation split: chosen once, there, and applied unchanged to test and to the
    external sets (the fine-tuned model's record carries them)."""
    import numpy as np

    from suites.accuracy.metrics import choose_thresholds

    probs = classifier.predict_proba(split.texts, split.pairs, progress)
    return choose_thresholds(np.asarray(split.labels) == FAKE, probs[:, FAKE])


def fake_operating_points(split: Any, probs: Any, thresholds: dict[str, float | None]
                          ) -> dict[str, Any]:
    """Recall and false-positive rate of the fake class at each validation threshold."""
    import numpy as np

    from suites.accuracy.metrics import operating_points

    return operating_points(np.asarray(split.labels) == FAKE, probs[:, FAKE], thresholds)


def train_news_classifier(
    meta: ModelMeta, config: WelfakeConfig, splits: dict[str, Any], progress: Progress
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """(classifier, tokenizer or None, weights, training record) for either framework."""
    from models_registry.weights import ResolvedWeights

    if meta.framework == "sklearn":
        import time

        from suites.accuracy.classifiers import TfidfLogReg

        progress(f"{meta.name}: fitting TF-IDF + logistic regression")
        started = time.monotonic()
        classifier = TfidfLogReg({**meta.config, "seed": config.seed}, NEWS_LABELS)
        classifier.fit(splits["train"].texts, splits["train"].labels)
        training = {"train_seconds": round(time.monotonic() - started, 2),
                    "fitted_parameters": classifier.n_parameters, "settings": meta.config}
        return classifier, None, ResolvedWeights("trained-from-scratch"), training

    from suites.accuracy.classifiers import TransformerClassifier
    from suites.accuracy.training import FinetuneHParams, finetune_pretrained

    hp = FinetuneHParams.resolve(meta.finetune, config.hparam_overrides(), config.seed)
    model, tokenizer, weights, training = finetune_pretrained(
        meta, NEWS_LABELS, splits["train"], splits["validation"], hp, config.finetuned_dir,
        progress,
    )
    classifier = TransformerClassifier(
        model, tokenizer, max_length=hp.max_length, batch_size=config.eval_batch_size
    )
    return classifier, tokenizer, weights, training


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
        from suites.data.news import check_source, splittable_news

        source = config.source()
        source.check_trainable()
        config.check_budget(len(NEWS_LABELS), f"news set {source.name!r} "
                                              f"({source.path or 'hub copy'})")
        check_source(source)
        if source.path is not None:
            splittable_news(source)

    def run(self, meta: ModelMeta, config: WelfakeConfig, progress: Progress) -> SuiteOutput:
        from suites.accuracy.models import save_finetuned
        from suites.accuracy.scoring import backend_deltas, evaluate_split
        from suites.runtime import accuracy_runtime, configure_torch

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
        from suites.accuracy.tables import news_rows

        return news_rows(results, "test", "in-domain test")
