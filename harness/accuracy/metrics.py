"""Classification metrics with bootstrap CIs, calibration, and McNemar's test between models.

Point metrics come from scikit-learn; the bootstrap recomputes accuracy and weighted F1 from
resampled confusion matrices (vectorised: 1,000 resamples of 10k rows in well under a second).
``evaluate`` is not used: its metrics are scripts fetched from the hub, unusable offline.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

N_BOOTSTRAP = 1000
# Operating points of a detector: the false-positive rates a deployment would accept.
TARGET_FPRS = {"1%": 0.01, "5%": 0.05}
CI_LEVEL = 0.95
ECE_BINS = 15


def classification_metrics(
    y_true: np.ndarray,
    probs: np.ndarray,
    label_names: tuple[str, ...],
    *,
    positive: str | None = None,
    seed: int = 0,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Any]:
    """Everything a result records about one model on one split (predictions = argmax)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    y_true = np.asarray(y_true, dtype=int)
    probs = np.asarray(probs, dtype=float)
    y_pred = probs.argmax(axis=1)
    labels = list(range(len(label_names)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    weighted = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average="weighted", zero_division=0
    )
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    present = support > 0
    one_class = int(present.sum()) < 2
    out: dict[str, Any] = {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "precision_weighted": float(weighted[0]),
        "recall_weighted": float(weighted[1]),
        "f1_weighted": float(weighted[2]),
        # Over the classes the set holds: an absent class has no F1 to average in.
        "f1_macro": None if one_class else float(np.mean(f1[present])),
        "per_class": {
            name: {"precision": float(precision[i]), "recall": float(recall[i]),
                   "f1": float(f1[i]), "support": int(support[i])}
            for i, name in enumerate(label_names)
        },
        "confusion_matrix": {"labels": list(label_names), "rows_true_cols_pred": cm.tolist()},
        "ece": expected_calibration_error(y_true, probs),
        "ci95": bootstrap_ci(y_true, y_pred, len(labels), seed=seed, n_bootstrap=n_bootstrap),
    }
    if one_class:  # say why a figure is missing rather than print a number that means nothing
        out["undefined"] = {key: "the set holds one class only" for key in ("f1_macro", "mcc")}
    if positive is not None:
        p = label_names.index(positive)
        tp = cm[p, p]
        fn = cm[p].sum() - tp
        fp = cm[:, p].sum() - tp
        tn = cm.sum() - tp - fn - fp
        out["positive_class"] = positive
        out["fpr"] = float(fp / (fp + tn)) if fp + tn else None
        # 1 − FPR: on a set of negatives only (real news), the figure that means something.
        out["specificity"] = None if out["fpr"] is None else 1 - out["fpr"]
        out["fnr"] = float(fn / (fn + tp)) if fn + tp else None
        out.update(detection_metrics(y_true == p, probs[:, p], y_true, y_pred))
    return out


def classes_present(metrics: dict[str, Any]) -> list[str]:
    """The classes a scored set holds (support > 0), from its stored ``per_class``."""
    from harness.records.metrics import present_classes

    return present_classes(metrics.get("per_class"))


def detection_metrics(is_positive: np.ndarray, score: np.ndarray, y_true: np.ndarray,
                      y_pred: np.ndarray) -> dict[str, float | None]:
    """What a detector on imbalanced data is judged by: threshold-free ROC-AUC and PR-AUC
    (average precision) of the positive class's probability, and at the argmax decision the
    Matthews correlation and balanced accuracy (accuracy alone rewards missing the rare
    class). The AUCs and MCC are None when the split holds one class only: they compare
    the classes, and sklearn's 0 for MCC there would read as "no better than chance"."""
    from sklearn.metrics import (
        average_precision_score,
        balanced_accuracy_score,
        matthews_corrcoef,
        roc_auc_score,
    )

    both = 0 < int(is_positive.sum()) < len(is_positive)
    with warnings.catch_warnings():  # one class in the split: recall over the class present
        warnings.filterwarnings("ignore", "y_pred contains classes not in y_true")
        balanced = float(balanced_accuracy_score(y_true, y_pred))
    return {
        "roc_auc": float(roc_auc_score(is_positive, score)) if both else None,
        "pr_auc": float(average_precision_score(is_positive, score)) if both else None,
        "mcc": float(matthews_corrcoef(y_true, y_pred)) if len(set(y_true.tolist())) > 1
        else None,
        "balanced_accuracy": balanced,
    }


def _accuracy_f1_from_cms(cms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Accuracy and weighted F1 for a stack of confusion matrices (B × K × K)."""
    total = cms.sum(axis=(1, 2))
    diag = np.diagonal(cms, axis1=1, axis2=2)
    support = cms.sum(axis=2)
    predicted = cms.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, diag / predicted, 0.0)
        recall = np.where(support > 0, diag / support, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return diag.sum(axis=1) / total, (f1 * support).sum(axis=1) / total


def bootstrap_ci(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int, *, seed: int = 0,
    n_bootstrap: int = N_BOOTSTRAP, level: float = CI_LEVEL,
) -> dict[str, Any]:
    """Percentile bootstrap over rows for accuracy and weighted F1."""
    rng = np.random.default_rng(seed)
    n = len(y_true)
    codes = np.asarray(y_true) * n_classes + np.asarray(y_pred)
    draws = rng.integers(0, n, size=(n_bootstrap, n))
    cms = np.stack(
        [np.bincount(codes[d], minlength=n_classes**2) for d in draws]
    ).reshape(n_bootstrap, n_classes, n_classes)
    accuracy, f1 = _accuracy_f1_from_cms(cms)
    tail = (1 - level) / 2 * 100
    return {
        "method": f"percentile bootstrap, {n_bootstrap} resamples, seed {seed}",
        "level": level,
        "accuracy": [float(np.percentile(accuracy, tail)),
                     float(np.percentile(accuracy, 100 - tail))],
        "f1_weighted": [float(np.percentile(f1, tail)), float(np.percentile(f1, 100 - tail))],
    }


def expected_calibration_error(
    y_true: np.ndarray, probs: np.ndarray, bins: int = ECE_BINS
) -> float:
    """ECE over equal-width confidence bins of the top-class probability."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(y_true)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> dict[str, Any]:
    """Exact McNemar test (binomial on discordant pairs) for two models on the same rows."""
    from scipy.stats import binomtest

    a, b = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
    if a.shape != b.shape:
        raise ValueError("McNemar needs both models' predictions on the same rows")
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    discordant = only_a + only_b
    p_value = binomtest(min(only_a, only_b), discordant, 0.5).pvalue if discordant else 1.0
    return {
        "n": len(a), "only_a_correct": only_a, "only_b_correct": only_b,
        "p_value": float(p_value), "method": "exact McNemar (two-sided binomial)",
    }


def choose_thresholds(is_positive: np.ndarray, score: np.ndarray,
                      targets: dict[str, float] = TARGET_FPRS) -> dict[str, float | None]:
    """Per target false-positive rate, the threshold (flag a row when its score is at least
    it) with the highest recall on these rows whose false-positive rate stays within the
    target, from scikit-learn's full ROC curve (at equal recall, the higher threshold).
    Chosen on a validation split, then applied unchanged elsewhere. None where no threshold
    catches anything within the target (a real row scored highest) or the rows hold one
    class."""
    from sklearn.metrics import roc_curve

    is_positive = np.asarray(is_positive, dtype=bool)
    if not 0 < int(is_positive.sum()) < len(is_positive):
        return dict.fromkeys(targets)
    fpr, tpr, thresholds = roc_curve(is_positive, score, drop_intermediate=False)
    out: dict[str, float | None] = {}
    for name, target in targets.items():
        within = fpr <= target + 1e-12
        best = tpr[within].max()  # at equal recall, the highest threshold (fewest flags)
        threshold = thresholds[np.flatnonzero(within & (tpr == best))[0]]
        out[name] = float(threshold) if np.isfinite(threshold) else None
    return out


def operating_point(is_positive: np.ndarray, score: np.ndarray, threshold: float
                    ) -> dict[str, float | int | None]:
    """Recall and false-positive rate when rows scoring at least ``threshold`` are flagged
    (counts from scikit-learn's confusion matrix)."""
    from sklearn.metrics import confusion_matrix

    flagged = np.asarray(score, dtype=float) >= threshold
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(
        np.asarray(is_positive, dtype=bool), flagged, labels=[False, True]).ravel())
    return {
        "threshold": threshold,
        "recall": tp / (tp + fn) if tp + fn else None,
        "fpr": fp / (fp + tn) if fp + tn else None,
        "positives": tp + fn, "negatives": fp + tn,
    }


def operating_points(is_positive: np.ndarray, score: np.ndarray,
                     thresholds: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    """:func:`operating_point` at each named threshold (those that could be chosen)."""
    return {name: operating_point(is_positive, score, t)
            for name, t in thresholds.items() if t is not None}
