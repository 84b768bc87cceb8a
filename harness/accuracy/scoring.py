"""One split's scores as every accuracy suite records them: metrics, data, per-row results."""

from __future__ import annotations

from typing import Any

from harness.accuracy.config import AccuracyConfig
from harness.data.dataset import LabelledTexts
from harness.suite import Progress


def score_split(
    split: LabelledTexts, probs: Any, config: AccuracyConfig, positive: str | None = None
) -> dict[str, Any]:
    """Metrics plus the per-row predictions and labels that McNemar's test needs (and, for
    a detection task, each row's positive-class probability)."""
    import numpy as np

    from harness.accuracy.metrics import classification_metrics

    metrics = classification_metrics(
        np.asarray(split.labels), probs, split.label_names, positive=positive,
        seed=config.seed, n_bootstrap=config.n_bootstrap,
    )
    metrics["data"] = split.describe()
    metrics["predictions"] = [int(p) for p in probs.argmax(axis=1)]
    metrics["labels"] = [int(y) for y in split.labels]
    if positive is not None:  # per-row scores: what a paired test of ROC-AUC / PR-AUC needs
        column = split.label_names.index(positive)
        metrics["positive_scores"] = [round(float(p), 6) for p in probs[:, column]]
    return metrics


def evaluate_split(classifier: Any, split: LabelledTexts, config: AccuracyConfig,
                   progress: Progress, positive: str | None = None) -> tuple[dict[str, Any], Any]:
    """Predict, then :func:`score_split`; returns (metrics, probs)."""
    probs = classifier.predict_proba(split.texts, split.pairs, progress)
    return score_split(split, probs, config, positive), probs


def backend_deltas(classifier: Any, split: LabelledTexts, reference_probs: Any,
                   config: AccuracyConfig, progress: Progress) -> dict[str, Any]:
    """Each backend's accuracy on the same rows, its delta from fp32 eager, and agreement.

    The real fine-tuned weights, the real texts: what the parity gate approximates with a
    trained small model, measured where it matters.
    """
    import numpy as np

    from harness.accuracy.classifiers import TransformerClassifier
    from harness.backends import get_backend

    model = getattr(classifier, "model", None)
    if model is None or not config.compare_backends:
        return {}
    labels = np.asarray(split.labels)
    reference_accuracy = float((reference_probs.argmax(1) == labels).mean())
    out: dict[str, Any] = {}
    for name in config.compare_backends:
        backend = get_backend(name)
        if reason := backend.unavailable():
            out[name] = {"skipped": reason}
            continue
        if split.pairs and not backend.accepts_token_type_ids:
            out[name] = {"skipped": f"backend {name!r} takes no token_type_ids (sentence pairs)"}
            continue
        progress(f"{split.name}: re-scoring through {name}")
        example = dict(classifier.tokenizer(list(split.texts[:2]), truncation=True,
                                            max_length=classifier.max_length, padding=True,
                                            return_tensors="pt"))
        prepared = backend.prepare(model, example)
        try:
            converted = TransformerClassifier(
                model, classifier.tokenizer, max_length=classifier.max_length,
                batch_size=classifier.batch_size, call=prepared.logits)
            probs = converted.predict_proba(split.texts, split.pairs)
        finally:
            prepared.close()
        accuracy = float((probs.argmax(1) == labels).mean())
        out[name] = {
            "n": len(labels), "accuracy": accuracy,
            "accuracy_delta_pts": round(100 * (accuracy - reference_accuracy), 3),
            "agreement": float((probs.argmax(1) == reference_probs.argmax(1)).mean()),
            "max_abs_prob_diff": float(np.abs(probs - reference_probs).max()),
            "convert_s": round(prepared.prepare_s, 3),
        }
    return out
