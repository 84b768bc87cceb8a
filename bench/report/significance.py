"""Whether a change between two runs is real: the tests ``bench compare`` applies.

Latency: Mann–Whitney U and a bootstrap CI of the ratio of medians, above the noise floor
(round-to-round within runs, run-to-run across baseline runs). Accuracy: paired bootstrap
and exact McNemar on the same rows, else a normal-approximation CI.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from suites.latency.ratios import bootstrap_medians

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


def compare_accuracy(ma: dict[str, Any], mb: dict[str, Any], *, seed: int = SEED
                     ) -> tuple[float, tuple[float, float], float | None, str]:
    """(difference in points, 95% CI, p or None, method) for B against A."""
    paired = (ma.get("data", {}).get("fingerprint") == mb.get("data", {}).get("fingerprint")
              and "predictions" in ma and "predictions" in mb
              and ma.get("labels") == mb.get("labels"))
    if paired:
        from suites.accuracy.metrics import mcnemar

        truth = np.asarray(ma["labels"])
        ca = np.asarray(ma["predictions"]) == truth
        cb = np.asarray(mb["predictions"]) == truth
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, len(truth), size=(N_BOOTSTRAP, len(truth)))
        diffs = 100 * (cb[draws].mean(axis=1) - ca[draws].mean(axis=1))
        low, high = np.percentile(diffs, [2.5, 97.5])
        p = mcnemar(ca, cb)["p_value"]
        return (100 * (cb.mean() - ca.mean()), (float(low), float(high)), p,
                "paired: same rows, bootstrap CI + exact McNemar")
    pa, pb, na, nb = ma["accuracy"], mb["accuracy"], ma["n"], mb["n"]
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
