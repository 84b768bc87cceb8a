"""SQuAD v1.1 / v2.0 question answering: SQuAD-fine-tuned checkpoints on a fixed, seeded
slice of the dev set (``--full``: all of it), scored with the official metrics and bootstrap
CIs, each question answered and timed alone, so accuracy and cost per question sit in one
table. Models with no public SQuAD checkpoint (TinyBERT) are fine-tuned here from a given
train file and marked as a different protocol.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.accuracy.config import AccuracyConfig
from harness.accuracy.options import BUDGET_OPTIONS, budget_overrides
from harness.data.squad import TRAIN_FLAGS, VERSIONS
from harness.options import Option, Values, absolute, positive_int
from harness.qa.processing import DOC_STRIDE, MAX_ANSWER_LENGTH, MAX_LENGTH, N_BEST, Windowing
from harness.suite import Mode, Progress, Suite, SuiteOutput
from models_registry.meta import ModelMeta
from models_registry.weights import WeightsNotFoundError
from suites.squad.evidence import squad_backend_loss, squad_score
from suites.squad.record import SquadMetrics

if TYPE_CHECKING:
    import pandas as pd

    from harness.records.schema import JobResult

QUICK_QUESTIONS = 500  # per version: F1's 95% CI is about ±3 points at this size
GROUP = "squad suite"
OPTIONS = (
    Option("--squad-v1", "SQuAD v1.1 dev: the official dev-v1.1.json or hub-layout JSON lines; "
           "default: the hub copy", GROUP),
    Option("--squad-v2", "SQuAD v2.0 dev: the official dev-v2.0.json or hub-layout JSON lines; "
           "default: the hub copy", GROUP),
    Option("--squad-train-v1", "SQuAD v1.1 train file, to fine-tune models that have no v1.1 "
           "checkpoint (TinyBERT)", GROUP),
    Option("--squad-train-v2", "SQuAD v2.0 train file, likewise for v2.0", GROUP),
    Option("--squad-versions", "versions to evaluate (default: those given a file, else both)",
           GROUP, {"nargs": "+", "choices": list(VERSIONS)}),
    Option("--squad-questions", f"questions per version (default {QUICK_QUESTIONS}; --full "
           "uses all)", GROUP, {"type": positive_int}),
    Option("--doc-stride", f"tokens shared by a long context's windows (default {DOC_STRIDE}); "
           f"the window length is --max-length (default {MAX_LENGTH})", GROUP,
           {"type": positive_int}),
)


@dataclass(frozen=True, kw_only=True)
class SquadConfig(AccuracyConfig):
    versions: tuple[str, ...] = VERSIONS
    squad_v1: str = "hub"
    squad_v2: str = "hub"
    train_v1: str | None = None
    train_v2: str | None = None
    questions: int | None = QUICK_QUESTIONS  # None: the whole dev set
    doc_stride: int = DOC_STRIDE
    n_best: int = N_BEST
    max_answer_length: int = MAX_ANSWER_LENGTH
    eval_batch_size: int = 1  # one question at a time: the latency recorded is per question

    def source(self, version: str) -> str:
        return self.squad_v1 if version == "1.1" else self.squad_v2

    def train_file(self, version: str) -> str | None:
        return self.train_v1 if version == "1.1" else self.train_v2

    def windowing(self) -> Windowing:
        return Windowing(self.max_length or MAX_LENGTH, self.doc_stride, self.n_best,
                         self.max_answer_length)

    def n_questions(self) -> int | None:
        caps = [n for n in (self.questions, self.max_eval_samples) if n is not None]
        return min(caps) if caps else None


def _has_qa_head(directory: Path) -> bool:
    config = json.loads((directory / "config.json").read_text("utf-8"))
    return any(a.endswith("ForQuestionAnswering") for a in config.get("architectures") or ())


def _reader(meta: ModelMeta, config: SquadConfig, version: str, w: Windowing,
            progress: Progress):
    """(model, tokenizer, weights, origin, training record or None) for ``version``: a given
    directory with a span head, else the declared checkpoint, else fine-tuned here."""
    from harness.accuracy.models import load_tokenizer
    from models_registry.loading import load_question_answering
    from models_registry.weights import resolve_weights

    if meta.local_dir and _has_qa_head(Path(meta.local_dir)):
        weights = resolve_weights(meta, allow_random_init=False)
        return (load_question_answering(meta, weights), load_tokenizer(weights.path), weights,
                "given-directory", None)
    checkpoint = None if meta.local_dir else meta.checkpoint_for_squad(version)
    if checkpoint is not None:
        weights = resolve_weights(checkpoint, allow_random_init=False)
        return (load_question_answering(checkpoint, weights), load_tokenizer(weights.path),
                weights, f"hub:{checkpoint.hub_id}", None)
    train_file = config.train_file(version)
    if train_file is None:
        raise WeightsNotFoundError(
            f"{meta.name!r} declares no SQuAD v{version} checkpoint; pass "
            f"{TRAIN_FLAGS[version]} FILE (SQuAD v{version} train) to fine-tune one here, or "
            "give a SQuAD-fine-tuned model directory as the model")
    from harness.accuracy.training import FinetuneHParams
    from harness.data.squad import load_squad
    from suites.squad.training import finetune_qa

    weights = resolve_weights(meta, allow_random_init=False)
    model = load_question_answering(meta, weights, seed=config.seed)
    tokenizer = load_tokenizer(weights.path)
    train = load_squad(train_file, version, "train").sample(config.max_train_samples,
                                                            config.seed)
    overrides = {**config.hparam_overrides(), "max_length": w.max_length}
    hp = FinetuneHParams.resolve(meta.finetune, overrides, config.seed)
    progress(f"{meta.name}: fine-tuning on {len(train)} SQuAD v{version} questions")
    training = finetune_qa(model, tokenizer, list(train.examples), hp, w, progress)
    training["train_data"] = train.describe()
    return model, tokenizer, weights, "fine-tuned-here", training


def _evaluate(meta: ModelMeta, config: SquadConfig, version: str, progress: Progress
              ) -> tuple[dict[str, Any], Any]:
    from harness.data.squad import load_squad
    from harness.qa.answering import answer_all, eager_span_logits, question_windows
    from harness.qa.backends import rescore
    from harness.qa.metrics import score_predictions
    from harness.qa.processing import accepts_token_types, check_tokenizer

    w = config.windowing()
    dev = load_squad(config.source(version), version).sample(config.n_questions(), config.seed)
    model, tokenizer, weights, origin, training = _reader(meta, config, version, w, progress)
    check_tokenizer(tokenizer, weights.path or meta.name)
    positions = getattr(model.config, "max_position_embeddings", w.max_length)
    if w.max_length > positions:
        raise ValueError(f"{meta.name}: windows of {w.max_length} tokens exceed the model's "
                         f"{positions} positions; pass --max-length {positions} or less")
    progress(f"{meta.name}: SQuAD v{version}, {len(dev)} questions")
    examples, token_types = list(dev.examples), accepts_token_types(model)
    grouped = question_windows(examples, tokenizer, w)
    predictions, latency = answer_all(eager_span_logits(model), tokenizer, examples, grouped,
                                      w, token_types, progress)
    scores = score_predictions([e.answers for e in examples], predictions, version=version,
                               n_resamples=config.n_bootstrap, seed=config.seed)
    record = {"status": "ok", "checkpoint": origin, "weights": weights.to_dict(),
              "data": dev.describe(), "scores": scores, "latency": latency,
              "predictions": {e.id: p.text for e, p in zip(examples, predictions,
                                                           strict=True)}}
    if config.compare_backends:
        record["backends"] = rescore(model, tokenizer, examples, grouped, w, token_types,
                                     version, (predictions, scores, latency),
                                     config.compare_backends, config, progress)
    if training:
        record["training"] = training
    return record, weights


class SquadSuite(Suite):
    name = "squad"
    description = "SQuAD v1.1/v2.0 EM and F1 of SQuAD checkpoints, with latency per question"
    config_type = SquadConfig
    metrics_type = SquadMetrics
    options = (*OPTIONS, *BUDGET_OPTIONS)
    order = 55
    evidence = {"squad": squad_score,  # noqa: RUF012 (read-only)
                "squad_backend_loss": squad_backend_loss}
    default_timeout_s = 4 * 3600.0

    def overrides(self, values: Values, results_dir: Path) -> dict[str, Any]:
        given = [v for v, flag in zip(VERSIONS, ("squad_v1", "squad_v2"), strict=True)
                 if values.get(flag)]
        versions = values.get("squad_versions") or given or None
        return {
            **budget_overrides(values, results_dir),
            "squad_v1": absolute(values.get("squad_v1")),
            "squad_v2": absolute(values.get("squad_v2")),
            "train_v1": absolute(values.get("squad_train_v1")),
            "train_v2": absolute(values.get("squad_train_v2")),
            "versions": tuple(dict.fromkeys(versions)) if versions else None,
            "questions": values.get("squad_questions"),
            "doc_stride": values.get("doc_stride"),
        }

    def preset(self, mode: Mode, threads: int) -> SquadConfig:
        return SquadConfig(threads=threads,
                           questions=None if mode == "full" else QUICK_QUESTIONS)

    def preflight(self, config: SquadConfig) -> None:
        """Every file read and checked, and the hub asked once, before any model work."""
        from harness.data.errors import DataError
        from harness.data.squad import fix, load_squad

        w = config.windowing()
        if w.doc_stride >= w.max_length:
            raise DataError(f"--doc-stride {w.doc_stride} must be below the window length "
                            f"{w.max_length} (--max-length)")
        needs_hub = [v for v in config.versions if config.source(v) == "hub"]
        if needs_hub:
            from models_registry.weights import hub_reachable

            if not hub_reachable():
                raise DataError("SQuAD: no local copy given and the hub is unreachable. "
                                + "; ".join(fix(v) for v in needs_hub))
        for version in config.versions:
            for path, split in ((config.source(version), "validation"),
                                (config.train_file(version), "train")):
                if path and path != "hub":
                    load_squad(path, version, split)

    def run(self, meta: ModelMeta, config: SquadConfig, progress: Progress) -> SuiteOutput:
        from harness.runtime import accuracy_runtime, configure_torch

        configure_torch(config)
        versions: dict[str, dict[str, Any]] = {}
        first_weights = None
        for version in config.versions:
            try:
                versions[version], weights = _evaluate(meta, config, version, progress)
            except WeightsNotFoundError as exc:
                versions[version] = {"status": "skipped", "reason": str(exc)}
                progress(f"{meta.name}: SQuAD v{version} skipped: {exc}")
                continue
            first_weights = first_weights or weights
        if first_weights is None:
            raise WeightsNotFoundError(" | ".join(
                f"v{v}: {r['reason']}" for v, r in versions.items()))
        metrics = {"protocol": "proxy-slice" if config.n_questions() else "full",
                   "windowing": asdict(config.windowing()), "versions": versions}
        return SuiteOutput(metrics=metrics, runtime=accuracy_runtime(config, None),
                           weights=first_weights, family=meta.family)

    def table(self, results: list[JobResult]) -> pd.DataFrame:
        from suites.squad.tables import squad_rows

        return squad_rows(results)
