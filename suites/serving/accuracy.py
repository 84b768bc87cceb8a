"""LoadGen's AccuracyOnly mode: every SQuAD window served once through the same batcher,
backend and layout as the timed runs, the answers scored with the squad suite's metric next
to fp32 eager PyTorch on the same questions. MLPerf's rule: a served configuration that keeps
less than 99% of the reference is flagged and never ranked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.suite import Progress
from models_registry.meta import ModelMeta
from suites.serving.batcher import Batching
from suites.serving.layouts import Layout

if TYPE_CHECKING:
    from harness.backends.base import Backend
    from suites.serving.config import ServingConfig

KEEP = 0.99  # MLPerf: 99% of the fp32 reference
VERSION = "2.0"


def _qa_reader(meta: ModelMeta) -> tuple[Any, Any, Any]:
    """(model, tokenizer, weights): a given directory with a span head, else the model's
    declared SQuAD v2.0 checkpoint; the error says what to give."""
    import json

    from harness.accuracy.models import load_tokenizer
    from models_registry.loading import load_question_answering
    from models_registry.weights import WeightsNotFoundError, resolve_weights

    if meta.local_dir:
        config = json.loads((Path(meta.local_dir) / "config.json").read_text("utf-8"))
        if any(a.endswith("ForQuestionAnswering") for a in config.get("architectures") or ()):
            weights = resolve_weights(meta, allow_random_init=False)
            return load_question_answering(meta, weights), load_tokenizer(weights.path), weights
    checkpoint = None if meta.local_dir else meta.checkpoint_for_squad(VERSION)
    if checkpoint is None:
        raise WeightsNotFoundError(
            f"{meta.name}: the serving accuracy mode needs a SQuAD-fine-tuned model (a "
            "directory whose config.json names a *ForQuestionAnswering architecture, or a "
            "registry model that declares a SQuAD v2.0 checkpoint)")
    weights = resolve_weights(checkpoint, allow_random_init=False)
    return (load_question_answering(checkpoint, weights), load_tokenizer(weights.path),
            weights)


def served_accuracy(meta: ModelMeta, config: ServingConfig, backend: Backend,
                    batching: Batching, layout: Layout, progress: Progress) -> dict[str, Any]:
    import numpy as np

    from harness.qa.answering import answer_all, eager_span_logits
    from harness.qa.backends import _as_classifier, span_skip
    from harness.qa.metrics import headline, score_predictions
    from harness.qa.processing import accepts_token_types, best_answer
    from suites.serving.scenarios import RunLengths, Scenarios
    from suites.serving.sut import serving

    if not backend.converts_span_models:
        return {"skipped": span_skip(backend.name)}
    from suites.serving.requests import squad_requests

    model, tokenizer, weights = _qa_reader(meta)
    token_types = accepts_token_types(model)
    limit = int(getattr(model.config, "max_position_embeddings", 512))
    requests = squad_requests(config.squad_file, VERSION, tokenizer, config.requests,
                              config.seed, limit, token_types=token_types)
    examples, grouped, w = requests.squad
    golds = [e.answers for e in examples]
    progress(f"{meta.name}: fp32 eager reference on {len(examples)} questions")
    reference, _ = answer_all(eager_span_logits(model), tokenizer, examples, grouped, w,
                              token_types, progress)
    ref = score_predictions(golds, reference, version=VERSION, n_resamples=200, seed=config.seed)
    wrapped = _as_classifier(model)
    example = requests.batch([0], len(requests.input_ids[0]))
    with serving(lambda: backend.prepare(wrapped, example), requests, layout,
                 replace(batching, fixed_length=requests.max_length), keep_outputs=True
                 ) as (batcher, responses, _):
        responses.keep = True
        scenarios = Scenarios(batcher, len(requests.input_ids), RunLengths.mlperf(), 0.0,
                              config.seed)
        result = scenarios.accuracy()
    served, start = [], 0
    for example_, group in zip(examples, grouped, strict=True):
        outs = [np.asarray(responses.outputs[start + k])[:len(x.input_ids)]
                for k, x in enumerate(group)]
        start += len(group)
        served.append(best_answer(example_, group, [o[:, 0] for o in outs],
                                  [o[:, 1] for o in outs], w))
    scores = score_predictions(golds, served, version=VERSION, n_resamples=200, seed=config.seed)
    f1_ref, f1 = headline(ref, VERSION)["f1"], headline(scores, VERSION)["f1"]
    kept = 100 * f1 / f1_ref if f1_ref else None
    return {"set": f"SQuAD v{VERSION}", "questions": len(examples),
            "windows": len(requests.input_ids), "data_fingerprint": requests.data_fingerprint,
            "metric": "f1 (best no-answer threshold)", "served": round(f1, 4),
            "reference_fp32_eager": round(f1_ref, 4),
            "kept_pct": round(kept, 2) if kept is not None else None,
            "below_99pct": kept is not None and kept < 100 * KEEP,
            "changed_answers": sum(a.text != b.text for a, b in zip(served, reference,
                                                                      strict=True)),
            "loadgen": {"mode": result.mode, "queries": result.query_count,
                        "answered": len(responses.outputs)},
            "checkpoint": weights.to_dict()}

