"""Whether a change between two runs is real: the tests ``bench compare`` applies.

Latency: Mann–Whitney U and a bootstrap CI of the ratio of medians, above the noise floor
(round-to-round within runs, run-to-run across baseline runs). Accuracy: paired bootstrap
and exact McNemar on the same rows, else a normal-approximation CI. Detection metrics
(ROC-AUC, PR-AUC, MCC, balanced accuracy): a bootstrap over rows, paired on the same rows.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from harness.ratios import bootstrap_medians
from harness.records.metrics import DETECTION_SCORES, SetScores

ALPHA = 0.05
N_BOOTSTRAP = 2000
SEED = 0


def compare_samples(a: list[float], b: list[float], *, seed: int = SEED
                    ) -> tuple[float, tuple[float, float], float]:
    """(% change of the median, its bootstrap 95% CI, Mann–Whitney p) for B against A."""
    from scipy.stats import mannwhitneyu

    xa, xb = np.asarray(a, float), np.asarray(b, float)
    rng = np.random.default_rng(seed)
    ma, mb = bootstrap_medians(xa, rng, N_BOOTSTRAP), bootstrap_medians(xb, rng, N_BOOTSTRAP)
    low, high = np.percentile(100 * (mb / ma - 1), [2.5, 97.5])
    p = float(mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
    return 100 * (np.median(xb) / np.median(xa) - 1), (float(low), float(high)), p


def compare_accuracy(ma: SetScores, mb: SetScores, *, seed: int = SEED
                     ) -> tuple[float, tuple[float, float], float | None, str]:
    """(difference in points, 95% CI, p or None, method) for B against A."""
    paired = (ma.fingerprint == mb.fingerprint
              and ma.predictions is not None and mb.predictions is not None
              and ma.labels == mb.labels)
    if paired:
        from harness.accuracy.metrics import mcnemar

        truth = np.asarray(ma.labels)
        ca = np.asarray(ma.predictions) == truth
        cb = np.asarray(mb.predictions) == truth
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, len(truth), size=(N_BOOTSTRAP, len(truth)))
        diffs = 100 * (cb[draws].mean(axis=1) - ca[draws].mean(axis=1))
        low, high = np.percentile(diffs, [2.5, 97.5])
        p = mcnemar(ca, cb)["p_value"]
        return (100 * (cb.mean() - ca.mean()), (float(low), float(high)), p,
                "paired: same rows, bootstrap CI + exact McNemar")
    pa, pb, na, nb = ma.accuracy, mb.accuracy, ma.n, mb.n
    se = 100 * np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    diff = 100 * (pb - pa)
    return diff, (diff - 1.96 * se, diff + 1.96 * se), None, "unpaired: normal-approx CI"


def between_run_noise(values: list[float]) -> float | None:
    """The baseline runs' spread at one point: (max - min) / median, in %; None for one run."""
    if len(values) < 2:
        return None
    return float(100 * (max(values) - min(values)) / np.median(values))


def within_run_noise(baseline: list[dict[str, Any]], point: dict[str, Any]) -> float | None:
    """What the runs' own rounds allow a p50 to move by chance, in %: each side's 95% CI
    half-width across its rounds (``noise_pct``; the baseline's median over its runs),
    combined as for a difference of two independent estimates. None when either side was
    not timed in rounds."""
    mine = point.get("noise_pct")
    theirs = [p["noise_pct"] for p in baseline if p.get("noise_pct") is not None]
    if mine is None or not theirs:
        return None
    return float(np.hypot(np.median(theirs), mine))


# --- detection metrics of one scored set ------------------------------------------------------
N_DETECTION_BOOTSTRAP = 500  # each resample re-runs scikit-learn's four scores on both sides
DETECTION_KEYS = DETECTION_SCORES


def _rows(m: SetScores) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """(is_positive, positive score or NaN, labels, predictions) per row, when stored."""
    if m.predictions is None or m.labels is None or not m.positive_class:
        return None
    positive = m.confusion_matrix["labels"].index(m.positive_class)
    labels, predictions = np.asarray(m.labels), np.asarray(m.predictions)
    scores = np.asarray(m.positive_scores or [np.nan] * len(labels), dtype=float)
    return labels == positive, scores, labels, predictions


def _detection(rows: tuple, index: np.ndarray) -> np.ndarray:
    from harness.accuracy.metrics import detection_metrics

    is_positive, scores, labels, predictions = (x[index] for x in rows)
    if np.isnan(scores).any():  # no stored probabilities: the AUCs cannot be recomputed
        scores = None
    found = detection_metrics(is_positive, scores if scores is not None else
                              predictions.astype(float), labels, predictions)
    values = [found[k] for k in DETECTION_KEYS]
    if scores is None:
        values[0] = values[1] = None
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def compare_detection(ma: SetScores, mb: SetScores, *, seed: int = SEED
                      ) -> dict[str, tuple[float, float, tuple[float, float] | None, str]]:
    """Per detection metric present in both: (A, B, 95% CI of B − A in points or None,
    method). Paired over rows when both scored the same rows (same data fingerprint and
    labels): a bootstrap that resamples the same rows on both sides; else each side resampled
    on its own rows. The AUCs need each row's positive-class probability
    (``positive_scores``); results without them get the difference only."""
    keys = [k for k in DETECTION_KEYS if ma.detection(k) is not None
            and mb.detection(k) is not None]
    ra, rb = _rows(ma), _rows(mb)
    out: dict[str, tuple[float, float, tuple[float, float] | None, str]] = {}
    if not keys:
        return out
    if ra is None or rb is None:
        return {k: (100 * ma.detection(k), 100 * mb.detection(k), None,
                    "difference only: no per-row results")
                for k in keys}
    paired = ma.fingerprint == mb.fingerprint and np.array_equal(ra[2], rb[2])
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(N_DETECTION_BOOTSTRAP):
        ia = rng.integers(0, len(ra[2]), len(ra[2]))
        ib = ia if paired else rng.integers(0, len(rb[2]), len(rb[2]))
        diffs.append(100 * (_detection(rb, ib) - _detection(ra, ia)))
    with warnings.catch_warnings():  # an AUC column without probabilities is all NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(np.array(diffs), [2.5, 97.5], axis=0)
    how = (f"{'paired' if paired else 'unpaired'} bootstrap over rows, "
           f"{N_DETECTION_BOOTSTRAP} resamples")
    for k in keys:
        i = DETECTION_KEYS.index(k)
        ci = None if np.isnan(low[i]) else (float(low[i]), float(high[i]))
        out[k] = (100 * ma.detection(k), 100 * mb.detection(k), ci,
                  how if ci else "difference only: no per-row probabilities stored")
    return out
