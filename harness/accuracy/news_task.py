"""The fake-news task WELFake fine-tunes and the external suite re-evaluates: the
fine-tune's config (where its model is kept), the splits, the thresholds chosen on
validation and the operating points they give on any labelled set."""


from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.config import AccuracyConfig
from harness.data.news import NEWS_LABELS, NewsSource, default_welfake
from harness.suite import Progress
from models_registry.meta import ModelMeta

if TYPE_CHECKING:

    pass


@dataclass(frozen=True, kw_only=True)
class WelfakeConfig(AccuracyConfig):
    data: dict[str, Any] = field(default_factory=default_welfake)
    splits_dir: str = "results/splits"

    def source(self) -> NewsSource:
        return NewsSource.from_dict(self.data)

    def recipe(self) -> dict[str, Any]:
        """Everything that decides what a fine-tuned model is (not threads, not eval size)."""
        return {"data": self.data, "seed": self.seed, "max_train_samples": self.max_train_samples,
                **self.hparam_overrides()}

    def finetuned_path(self, meta: ModelMeta) -> Path:
        from harness.accuracy.models import finetune_tag

        return Path(self.finetuned_dir) / finetune_tag(meta, self.recipe())


def load_splits(config: WelfakeConfig) -> dict[str, Any]:
    """Standard splits, then the run's budget: stratified caps on train and eval rows."""
    from harness.data.news import standard_splits

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

    from harness.accuracy.metrics import choose_thresholds

    probs = classifier.predict_proba(split.texts, split.pairs, progress)
    return choose_thresholds(np.asarray(split.labels) == FAKE, probs[:, FAKE])


def fake_operating_points(split: Any, probs: Any, thresholds: dict[str, float | None]
                          ) -> dict[str, Any]:
    """Recall and false-positive rate of the fake class at each validation threshold."""
    import numpy as np

    from harness.accuracy.metrics import operating_points

    return operating_points(np.asarray(split.labels) == FAKE, probs[:, FAKE], thresholds)


def train_news_classifier(
    meta: ModelMeta, config: WelfakeConfig, splits: dict[str, Any], progress: Progress
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """(classifier, tokenizer or None, weights, training record) for either framework."""
    from models_registry.weights import ResolvedWeights

    if meta.framework == "sklearn":
        import time

        from harness.accuracy.classifiers import TfidfLogReg

        progress(f"{meta.name}: fitting TF-IDF + logistic regression")
        started = time.monotonic()
        classifier = TfidfLogReg({**meta.config, "seed": config.seed}, NEWS_LABELS)
        classifier.fit(splits["train"].texts, splits["train"].labels)
        training = {"train_seconds": round(time.monotonic() - started, 2),
                    "fitted_parameters": classifier.n_parameters, "settings": meta.config}
        return classifier, None, ResolvedWeights("trained-from-scratch"), training

    from harness.accuracy.classifiers import TransformerClassifier
    from harness.accuracy.training import FinetuneHParams, finetune_pretrained

    hp = FinetuneHParams.resolve(meta.finetune, config.hparam_overrides(), config.seed)
    model, tokenizer, weights, training = finetune_pretrained(
        meta, NEWS_LABELS, splits["train"], splits["validation"], hp, config.finetuned_dir,
        progress,
    )
    classifier = TransformerClassifier(
        model, tokenizer, max_length=hp.max_length, batch_size=config.eval_batch_size
    )
    return classifier, tokenizer, weights, training
