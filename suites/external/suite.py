"""External generalization: the WELFake-fine-tuned models (or a given directory) on other,
unseen news sets; the same metrics, the in-domain minus external gap, and the most confident
mistakes for a reader to look at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.news_task import WelfakeConfig, fake_operating_points
from harness.accuracy.options import (
    BUDGET_OPTIONS,
    EXTERNAL_OPTIONS,
    WELFAKE_OPTIONS,
    budget_overrides,
    external_overrides,
    welfake_overrides,
)
from harness.data.errors import DataError
from harness.data.news import NEWS_LABELS, NewsSource
from harness.options import Values
from harness.records.roles import Evaluation
from harness.suite import Mode, Progress, Suite, SuiteOutput
from models_registry.meta import ModelMeta
from models_registry.weights import WeightsNotFoundError
from suites.external.record import ExternalMetrics

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult

EXCERPT_CHARS = 200


@dataclass(frozen=True, kw_only=True)
class ExternalConfig(WelfakeConfig):
    """The WELFake settings name the fine-tuned model to evaluate; ``sets`` the data."""

    sets: tuple[dict[str, Any], ...] = ()
    error_examples: int = 10

    def news_sets(self) -> list[NewsSource]:
        return [NewsSource.from_dict(s) for s in self.sets]


def confident_mistakes(split: Any, probs: Any, limit: int) -> list[dict[str, Any]]:
    """The wrong predictions the model was surest of, with a text excerpt each."""
    predicted = probs.argmax(axis=1)
    wrong = [i for i in range(len(split)) if predicted[i] != split.labels[i]]
    wrong.sort(key=lambda i: (-float(probs[i].max()), split.ids[i]))
    return [
        {"id": split.ids[i], "true": split.label_names[split.labels[i]],
         "predicted": split.label_names[int(predicted[i])],
         "confidence": round(float(probs[i].max()), 4),
         "excerpt": _excerpt(split.texts[i])}
        for i in wrong[:limit]
    ]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def find_classifier(meta: ModelMeta, config: ExternalConfig) -> tuple[Any, dict, Any, str]:
    """The WELFake-fine-tuned model for this model and recipe, else a given directory."""
    from harness.accuracy.models import load_finetuned

    candidates = [config.finetuned_path(meta)]
    if meta.local_dir:
        candidates.append(Path(meta.local_dir))
    for directory in candidates:
        if directory.is_dir():
            classifier, record, weights = load_finetuned(
                directory, max_length=config.max_length or 512, batch_size=config.eval_batch_size
            )
            return classifier, record, weights, str(directory)
    raise WeightsNotFoundError(
        f"no fine-tuned model for {meta.name!r}: {candidates[0]} does not exist. Run "
        "`bench run --suites welfake,external` with the same data and budget options, or pass "
        "a fine-tuned model directory as the model"
    )


def check_news_head(classifier: Any, where: str) -> None:
    """A transformer's head must name real/fake in our order: never trust index order."""
    from harness.accuracy.models import head_label_names

    model = getattr(classifier, "model", None)
    if model is None:
        return
    names = head_label_names(model)
    if names != list(NEWS_LABELS):
        raise DataError(
            f"{where}: the classifier's id2label is {names}, not {list(NEWS_LABELS)}; it was "
            "not fine-tuned by this suite. Fine-tune it with --suites welfake first"
        )


def _require_sets(config: ExternalConfig) -> None:
    if not config.sets:
        raise DataError(
            "external suite: no external sets given; pass --external PATH (with "
            "--external-text-columns/--external-label-column/--external-label-map or "
            "--external-label real|fake)"
        )


class ExternalSuite(Suite):
    name = "external"
    description = "external generalization: fine-tuned models on unseen news sets, gap vs in-domain"
    config_type = ExternalConfig
    metrics_type = ExternalMetrics
    options = (*WELFAKE_OPTIONS, *EXTERNAL_OPTIONS, *BUDGET_OPTIONS)
    order = 70
    default_timeout_s = 3 * 3600.0
    frameworks = ("transformers", "sklearn")

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        return {**welfake_overrides(values), **external_overrides(values),
                **budget_overrides(values, results_dir)}

    def evaluations(self, result: JobResult) -> list[Evaluation]:
        return [Evaluation(f"external: {name}", name, metrics, summary_column="external acc %",
                           lists_mistakes=True)
                for name, metrics in ExternalMetrics.from_dict(
                    result.metrics, source=result.job_id).sets.items()]

    def preset(self, mode: Mode, threads: int) -> ExternalConfig:
        return ExternalConfig(threads=threads)

    def preflight(self, config: ExternalConfig) -> None:
        from harness.data.news import check_source, load_news

        _require_sets(config)
        one_class = all(source.fixed_label for source in config.news_sets())
        config.check_budget(1 if one_class else len(NEWS_LABELS), "the external sets")
        for source in config.news_sets():
            check_source(source)
            load_news(source)  # unknown labels, empty text: found before any job

    def run(self, meta: ModelMeta, config: ExternalConfig, progress: Progress) -> SuiteOutput:
        from harness.accuracy.scoring import backend_deltas, evaluate_split
        from harness.data.news import load_news
        from harness.runtime import accuracy_runtime, configure_torch

        configure_torch(config)
        _require_sets(config)  # the data itself is checked as each set is read below
        classifier, record, weights, directory = find_classifier(meta, config)
        check_news_head(classifier, directory)
        in_domain = (record.get("test") or {}).get("accuracy")
        sets = {}
        for source in config.news_sets():
            split = load_news(source).stratified_sample(config.max_eval_samples, config.seed)
            progress(f"{meta.name}: external set {source.name} ({len(split)} rows)")
            metrics, probs = evaluate_split(classifier, split, config, progress, positive="fake")
            if deltas := backend_deltas(classifier, split, probs, config, progress):
                metrics["backends"] = deltas
            metrics["generalization_gap"] = (
                None if in_domain is None else in_domain - metrics["accuracy"]
            )
            metrics["confident_mistakes"] = confident_mistakes(split, probs,
                                                               config.error_examples)
            if record.get("thresholds"):  # chosen on the in-domain validation split
                metrics["operating_points"] = fake_operating_points(split, probs,
                                                                    record["thresholds"])
            sets[source.name] = metrics
        out = {"finetuned_dir": directory, "in_domain_accuracy": in_domain,
               "in_domain_data": record.get("data"), "sets": sets}
        return SuiteOutput(metrics=out, runtime=accuracy_runtime(config, classifier),
                           weights=weights, family=meta.family)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        from harness.accuracy.tables import external_rows

        return external_rows(results)
