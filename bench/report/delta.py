"""One compared figure (:class:`Delta`) and the ``--fail-on`` thresholds that turn its
significant regressions into a failing exit code: what ``bench compare`` and the compare
gate share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bench.report import select
from bench.report.significance import compare_detection
from harness.records.metrics import SetScores


class CompareError(ValueError):
    """The runs cannot be compared as asked; the message says why and what to do."""


@dataclass
class Delta:
    """One metric at one point, in run A and run B."""

    metric: str  # latency | memory | accuracy | detection
    model: str
    backend: str
    where: str  # "b8/s128" or the test set
    unit: str
    a: float
    b: float
    change: float  # latency/memory: % of A; accuracy: percentage points
    ci: tuple[float, float] | None
    p_value: float | None
    method: str
    significant: bool
    cross_hardware: bool = False
    # The noise floor a change must exceed, in %: the larger of the runs' own round-to-round
    # noise (``within_run_noise``) and, when several baseline runs were given, their spread
    # (max - min of their values, % of their median).
    noise_pct: float | None = None
    tested: bool = True  # False: a difference shown with no test behind it

    @property
    def regression(self) -> bool:
        higher_better = self.metric in HIGHER_IS_BETTER or self.metric in select.rate_names()
        worse = self.change < 0 if higher_better else self.change > 0
        return self.significant and worse

    @property
    def improvement(self) -> bool:
        return self.significant and not self.regression

    @property
    def verdict(self) -> str:
        word = ("not tested" if not self.tested else "regression" if self.regression
                else "improvement" if self.improvement else "no significant change")
        return word + (" ⚠ DIFFERENT HARDWARE" if self.cross_hardware else "")

    def row(self) -> dict[str, Any]:
        unit = "pts" if self.metric in HIGHER_IS_BETTER else "%"
        ci = f"[{self.ci[0]:+.2f}, {self.ci[1]:+.2f}]" if self.ci else ""
        return {
            "metric": self.metric, "model": self.model, "backend": self.backend,
            "point": self.where, "unit": self.unit, "A": _fmt(self.a), "B": _fmt(self.b),
            "change": f"{self.change:+.2f} {unit}",
            "95% CI": ci, "p": "" if self.p_value is None else f"{self.p_value:.3g}",
            "noise": "" if self.noise_pct is None else f"±{self.noise_pct:.2f} %",
            "verdict": self.verdict,
        }


HIGHER_IS_BETTER = {"accuracy", "detection"}
DETECTION_UNITS = {"roc_auc": "ROC-AUC ×100", "pr_auc": "PR-AUC ×100", "mcc": "MCC ×100",
                   "balanced_accuracy": "bal. acc %"}


def detection_deltas(model: str, label: str, ma: SetScores, mb: SetScores) -> list[Delta]:
    """Threshold-free and imbalance-aware scores beside accuracy, tested by a bootstrap over
    rows where the results keep them (``significance.compare_detection``), else shown only."""
    out = []
    for key, (a, b, ci, method) in compare_detection(ma, mb).items():
        significant = ci is not None and (ci[0] > 0 or ci[1] < 0)
        out.append(Delta("detection", model, "-", label, DETECTION_UNITS[key], a, b, b - a,
                         ci, None, method, significant, tested=ci is not None))
    return out


def _fmt(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"


def parse_fail_on(items: list[str]) -> dict[str, float]:
    """``latency=10%`` ``memory=5%`` ``accuracy=1pt`` ``detection=2pt`` → thresholds."""
    thresholds = {}
    for item in items:
        known = ("latency", "memory", "accuracy", "detection", *sorted(select.rate_names()))
        match = re.fullmatch(r"([a-z0-9-]+)=(\d+(?:\.\d+)?)\s*(%|pts?)?", item)
        if not match or match.group(1) not in known:
            raise CompareError(f"--fail-on {item!r}: expected latency=PCT%, memory=PCT%, "
                               "accuracy=POINTSpt, detection=POINTSpt or a rate ("
                               + ", ".join(f"{n}=PCT%" for n in sorted(select.rate_names()))
                               + "), e.g. --fail-on latency=10% accuracy=1pt")
        metric, value, unit = match.groups()
        points = metric in HIGHER_IS_BETTER
        if unit and (unit == "%") == points:
            raise CompareError(f"--fail-on {item!r}: {metric} thresholds are in "
                               f"{'percentage points (pt)' if points else '%'}")
        thresholds[metric] = float(value)
    return thresholds
