"""MNLI proxy: MNLI-fine-tuned checkpoints on a fixed, seeded, stratified slice of
validation_matched and validation_mismatched (``--full``: the whole sets), with bootstrap CIs,
for judging the papers' MNLI claims (see ``bench.report.verdicts``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.config import AccuracyConfig
from harness.accuracy.options import BUDGET_OPTIONS, MNLI_OPTIONS, budget_overrides, mnli_overrides
from harness.data.errors import DataError
from harness.data.mnli import MNLI_LABELS, MNLI_SPLITS
from harness.options import Values
from harness.records.roles import Evaluation
from harness.suite import Mode, Progress, Suite, SuiteOutput
from models_registry.meta import ModelMeta
from models_registry.weights import WeightsNotFoundError
from suites.mnli_proxy.evidence import mnli_accuracy
from suites.mnli_proxy.record import MnliMetrics

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult

QUICK_SAMPLES = 1000
MNLI_MAX_LENGTH = 128  # the GLUE fine-tuning convention


@dataclass(frozen=True, kw_only=True)
class MnliProxyConfig(AccuracyConfig):
    mnli: str = "hub"  # 'hub' (GLUE via datasets) or a directory / file
    samples_per_split: int | None = QUICK_SAMPLES  # None: the whole split (--full)
    train_file: str | None = None  # MNLI train, to fine-tune models with no MNLI checkpoint
    label_order: tuple[str, ...] | None = None  # output order of a local checkpoint


def _checkpoint(meta: ModelMeta, config: MnliProxyConfig, progress: Progress):
    """(model, tokenizer, weights, origin, training record or None).

    A given directory with an MNLI head, else the declared checkpoint, else a model
    fine-tuned here on ``train_file`` when none is declared (TinyBERT)."""
    from harness.accuracy.models import load_tokenizer
    from models_registry.loading import load_classifier
    from models_registry.weights import resolve_weights

    if meta.local_dir and _has_nli_head(Path(meta.local_dir)):
        weights = resolve_weights(meta, allow_random_init=False)
        model = load_classifier(meta, weights, num_labels=None)
        return model, load_tokenizer(weights.path), weights, "given-directory", None
    checkpoint = meta.checkpoint_for_mnli()
    if checkpoint is not None:
        weights = resolve_weights(checkpoint, allow_random_init=False)
        model = load_classifier(checkpoint, weights, num_labels=None)
        return (model, load_tokenizer(weights.path), weights, f"hub:{meta.mnli_checkpoint}",
                None)
    if config.train_file is None:
        raise WeightsNotFoundError(
            f"{meta.name!r} declares no MNLI checkpoint; pass --mnli-train FILE (MNLI train as "
            "tsv/jsonl/csv/parquet) to fine-tune one here, or give an MNLI-fine-tuned model "
            "directory as the model"
        )
    model, tokenizer, weights, training = _finetune_here(meta, config, progress)
    return model, tokenizer, weights, "fine-tuned-here", training


def _has_nli_head(directory: Path) -> bool:
    import json

    config = json.loads((directory / "config.json").read_text("utf-8"))
    return len(config.get("id2label") or {}) == len(MNLI_LABELS)


def _finetune_here(meta: ModelMeta, config: MnliProxyConfig, progress: Progress):
    from harness.accuracy.training import FinetuneHParams, finetune_pretrained
    from harness.data.dataset import stratified_three_way
    from harness.data.mnli import load_mnli

    train = load_mnli(config.train_file, "train").stratified_sample(
        config.max_train_samples, config.seed
    )
    # Early stopping needs held-out rows: 5% of the training sample, never the evaluated sets.
    parts = stratified_three_way(train, (0.90, 0.05, 0.05), config.seed)
    overrides = {**config.hparam_overrides()}
    overrides["max_length"] = overrides["max_length"] or MNLI_MAX_LENGTH
    hp = FinetuneHParams.resolve(meta.finetune, overrides, config.seed)
    model, tokenizer, weights, training = finetune_pretrained(
        meta, MNLI_LABELS, parts["train"], parts["validation"], hp, config.finetuned_dir,
        progress,
    )
    training.update({"train_data": parts["train"].describe(),
                     "protocol": "plain fine-tune on MNLI train (no distillation, no data "
                                 "augmentation)"})
    return model, tokenizer, weights, training


# The leaderboard summary column each validation split feeds.
SUMMARY_COLUMNS = {"validation_matched": "MNLI-m %", "validation_mismatched": "MNLI-mm %"}


class MnliProxySuite(Suite):
    name = "mnli-proxy"
    description = "MNLI-m/mm accuracy of MNLI checkpoints on a seeded stratified slice"
    config_type = MnliProxyConfig
    metrics_type = MnliMetrics
    options = (*MNLI_OPTIONS, *BUDGET_OPTIONS)
    order = 50
    evidence = {"mnli": mnli_accuracy}  # noqa: RUF012 (read-only)
    default_timeout_s = 3 * 3600.0
    uses_gpu = True  # fine-tunes with the Hugging Face Trainer

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        return {**mnli_overrides(values), **budget_overrides(values, results_dir)}

    def evaluations(self, result: JobResult) -> list[Evaluation]:
        return [Evaluation(f"MNLI {split}", split, metrics,
                           summary_column=SUMMARY_COLUMNS.get(split))
                for split, metrics in MnliMetrics.from_dict(
                    result.metrics, source=result.job_id).splits.items()]

    def preset(self, mode: Mode, threads: int) -> MnliProxyConfig:
        samples = None if mode == "full" else QUICK_SAMPLES
        return MnliProxyConfig(threads=threads, samples_per_split=samples)

    def preflight(self, config: MnliProxyConfig) -> None:
        from harness.data.dataset import MIN_SAMPLE_PER_CLASS
        from harness.data.mnli import check_mnli_source

        config.check_budget(len(MNLI_LABELS), "MNLI")
        minimum = MIN_SAMPLE_PER_CLASS * len(MNLI_LABELS)
        if config.samples_per_split is not None and config.samples_per_split < minimum:
            raise DataError(f"--mnli-samples {config.samples_per_split} is too small: a slice "
                            f"needs {MIN_SAMPLE_PER_CLASS} pairs of each of the "
                            f"{len(MNLI_LABELS)} classes; use at least {minimum}")

        if config.train_file and not Path(config.train_file).exists():
            raise DataError(f"MNLI train: {config.train_file} not found (--mnli-train)")
        check_mnli_source(config.mnli)

    def run(self, meta: ModelMeta, config: MnliProxyConfig, progress: Progress) -> SuiteOutput:
        from harness.accuracy.classifiers import TransformerClassifier
        from harness.accuracy.models import head_label_names
        from harness.accuracy.scoring import score_split
        from harness.data.mnli import load_mnli
        from harness.runtime import accuracy_runtime, configure_torch
        from suites.mnli_proxy.labels import output_order, to_glue_order

        configure_torch(config)
        splits = {s: load_mnli(config.mnli, s).stratified_sample(config.samples_per_split,
                                                                  config.seed)
                  for s in MNLI_SPLITS}
        model, tokenizer, weights, origin, training = _checkpoint(meta, config, progress)
        declared = config.label_order or meta.mnli_label_order
        if origin == "fine-tuned-here":
            declared = None  # our own head names the labels
        order, mapping = output_order(head_label_names(model), declared,
                                      weights.path or meta.name)
        classifier = TransformerClassifier(
            model, tokenizer, max_length=config.max_length or MNLI_MAX_LENGTH,
            batch_size=config.eval_batch_size,
        )
        out: dict[str, Any] = {"checkpoint_origin": origin, "label_mapping": mapping,
                               "protocol": "full" if config.samples_per_split is None
                               else "proxy-slice", "splits": {}}
        for split_name, split in splits.items():
            progress(f"{meta.name}: {split_name} ({len(split)} pairs)")
            probs = to_glue_order(classifier.predict_proba(split.texts, split.pairs, progress),
                                  order)
            out["splits"][split_name] = score_split(split, probs, config)
        if training:
            out["training"] = training
        return SuiteOutput(metrics=out, runtime=accuracy_runtime(config, classifier),
                           weights=weights, family=meta.family)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        from harness.accuracy.tables import mnli_rows

        return mnli_rows(results)
