"""One split's scores as every accuracy suite records them: metrics, data, per-row results."""

from __future__ import annotations

from typing import Any

from suites.accuracy.config import AccuracyConfig
from suites.base import Progress
from suites.data.dataset import LabelledTexts


def score_split(
    split: LabelledTexts, probs: Any, config: AccuracyConfig, positive: str | None = None
) -> dict[str, Any]:
    """Metrics plus the per-row predictions and labels that McNemar's test needs."""
    import numpy as np

    from suites.accuracy.metrics import classification_metrics

    metrics = classification_metrics(
        np.asarray(split.labels), probs, split.label_names, positive=positive,
        seed=config.seed, n_bootstrap=config.n_bootstrap,
    )
    metrics["data"] = split.describe()
    metrics["predictions"] = [int(p) for p in probs.argmax(axis=1)]
    metrics["labels"] = [int(y) for y in split.labels]
    return metrics


def evaluate_split(classifier: Any, split: LabelledTexts, config: AccuracyConfig,
                   progress: Progress, positive: str | None = None) -> tuple[dict[str, Any], Any]:
    """Predict, then :func:`score_split`; returns (metrics, probs)."""
    probs = classifier.predict_proba(split.texts, split.pairs, progress)
    return score_split(split, probs, config, positive), probs
