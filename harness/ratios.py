"""Speed ratios between two latency points, with a 95% confidence interval.

Two points timed in the same interleaved rounds (the same ``group``, the same number of
rounds) are **paired**: round ``r`` gives one ratio of the two bursts' medians, drift of
the machine cancels within it, and the estimate is the median of the per-round ratios with
a distribution-free 95% interval from their order statistics (the sign test's, through
``scipy.stats.quantile_test``). Why the median and not the geometric mean: on this class of
VM one round in ten or twenty has a single call 20-40% slow (a BERT-base call at b8 that
takes 1.07 s among 0.88 s ones); with one call per burst that round's ratio is off by as
much, and it moved a 10-round geometric mean by 2% and its t interval to ±5-9%. The median
ignores it, and it is what an independent round-robin script
(``suites.latency.crosscheck``) estimates too. Points timed apart (different runs, a resumed run,
a group split for memory) are **unpaired**: the ratio of the two medians, with a seeded
percentile bootstrap over the timed calls. Which one was used is part of the record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

N_BOOTSTRAP = 2000
SEED = 0
# How a ratio's figure and CI were formed, in the words reports print under their tables.
PAIRED_METHOD = "median of the per-round ratios, order-statistic 95% interval"
UNPAIRED_METHOD = "ratio of medians, bootstrap 95% interval"


@dataclass(frozen=True)
class Ratio:
    """``value`` × (reference time / this time); ``paired`` says how the CI was formed."""

    value: float
    low: float
    high: float
    paired: bool
    n: int  # rounds (paired) or timed calls of the shorter side (unpaired)

    @property
    def half_width_pct(self) -> float:
        """The CI's wider side, in % of the value."""
        return 100 * max(self.high / self.value - 1, 1 - self.low / self.value)

    def render(self, digits: int = 2) -> str:
        """``3.41 (3.35–3.47)``: the figure with its 95% CI, as a reader sees it."""
        return f"{self.value:.{digits}f} ({self.low:.{digits}f}–{self.high:.{digits}f})"

    def rounded(self, digits: int = 2) -> dict[str, Any]:
        return {"value": round(self.value, digits), "low": round(self.low, digits),
                "high": round(self.high, digits), "paired": self.paired, "n": self.n}


def bootstrap_medians(values: np.ndarray, rng: np.random.Generator,
                      n: int = N_BOOTSTRAP) -> np.ndarray:
    """The medians of ``n`` resamples (with replacement) of ``values``."""
    return np.median(rng.choice(values, size=(n, values.size)), axis=1)


def round_medians(point: dict[str, Any]) -> list[float]:
    """One figure per round: the median of that round's burst (ms). ``samples_ms`` is in
    round order and ``round_calls`` says how many calls each round's burst made."""
    samples, out, start = point["samples_ms"], [], 0
    for calls in point.get("round_calls") or []:
        out.append(float(np.median(samples[start:start + calls])))
        start += calls
    return out


def _t_interval(logs: np.ndarray) -> tuple[float, float, float]:
    from scipy.stats import t

    mean = float(logs.mean())
    if len(logs) < 2:
        return mean, mean, mean
    half = float(t.ppf(0.975, len(logs) - 1) * logs.std(ddof=1) / math.sqrt(len(logs)))
    return mean, mean - half, mean + half


def is_paired(reference: dict[str, Any], point: dict[str, Any]) -> bool:
    rounds = len(point.get("round_calls") or ())
    return (bool(reference.get("group")) and reference.get("group") == point.get("group")
            and len(reference.get("round_calls") or ()) == rounds >= 2)


# With fewer rounds than this no pair of order statistics covers the median with 95%
# (6 rounds: the range, 96.9%); below it the range is given, covering 1 - 2^(1-n).
MIN_ROUNDS_FOR_95 = 6


def _median_interval(logs: np.ndarray) -> tuple[float, float]:
    if len(logs) < MIN_ROUNDS_FOR_95:
        return float(logs.min()), float(logs.max())
    from scipy.stats import quantile_test

    ci = quantile_test(logs, q=float(np.median(logs)), p=0.5).confidence_interval(0.95)
    return float(ci.low), float(ci.high)


def paired_ratio(reference_ms: list[float], point_ms: list[float]) -> Ratio:
    """The paired ratio of two entries' per-round figures (same rounds, same order): the
    median of the per-round ratios, with its order-statistic 95% interval."""
    logs = np.log(reference_ms) - np.log(point_ms)
    low, high = _median_interval(logs)
    return Ratio(math.exp(float(np.median(logs))), math.exp(low), math.exp(high), True,
                 len(logs))


def speed_ratio(reference: dict[str, Any], point: dict[str, Any]) -> Ratio:
    """How many times faster ``point`` is than ``reference`` (two stored latency points)."""
    if is_paired(reference, point):
        return paired_ratio(round_medians(reference), round_medians(point))
    ref = np.asarray(reference["samples_ms"], float)
    mine = np.asarray(point["samples_ms"], float)
    rng = np.random.default_rng(SEED)
    boots = bootstrap_medians(ref, rng) / bootstrap_medians(mine, rng)
    low, high = np.percentile(boots, [2.5, 97.5])
    return Ratio(float(np.median(ref) / np.median(mine)), float(low), float(high), False,
                 int(min(ref.size, mine.size)))


def level_noise_pct(point: dict[str, Any]) -> float | None:
    """Half-width of the 95% CI of a point's level across its rounds, in %: how far this
    run's own rounds say the point could move by chance (None with fewer than 2 rounds)."""
    medians = round_medians(point)
    if len(medians) < 2:
        return None
    mean, _, high = _t_interval(np.log(medians))
    return 100 * (math.exp(high - mean) - 1)


@dataclass(frozen=True)
class SpeedFactors:
    """A speed ratio split into what the arithmetic allows and how well each side runs:
    ``ratio = flop_ratio × efficiency_ratio``. ``flop_ratio`` (reference FLOPs / model
    FLOPs) is the speed-up at equal efficiency; ``efficiency_ratio`` (the model's achieved
    GFLOP/s over the reference's, on the same backend, threads and shape) is what the
    runtime makes of it."""

    ratio: float
    flop_ratio: float
    efficiency_ratio: float
    gflops: tuple[float, float]  # achieved: reference, model

    def explain(self, claimed: float, model: str, reference: str) -> str:
        """Which factor falls short of ``claimed`` and by how much, in one sentence."""
        needed = claimed / self.flop_ratio  # the efficiency ratio the claim would need
        flops = (f"FLOPs allow {self.flop_ratio:.2f}× at equal efficiency "
                 f"({100 * self.flop_ratio / claimed:.0f}% of the claimed {claimed:g}×)")
        runs = (f"{model} runs at {self.gflops[1]:.1f} GFLOP/s vs {reference}'s "
                f"{self.gflops[0]:.1f} (efficiency ×{self.efficiency_ratio:.2f}; the claim "
                f"needs ×{needed:.2f})")
        if self.ratio >= claimed:
            verdict = "the measured ratio meets the claim"
        elif self.flop_ratio < claimed and self.efficiency_ratio < 1:
            verdict = "both fall short: the FLOP ratio and the efficiency"
        elif self.flop_ratio < claimed:
            verdict = "the FLOP ratio falls short even at a better efficiency"
        else:
            verdict = "the FLOPs allow the claim; the efficiency falls short"
        return f"{flops}; {runs}: {verdict}"


def speed_factors(reference: dict[str, Any], point: dict[str, Any], ratio: float
                  ) -> SpeedFactors | None:
    """The factors of ``ratio`` (reference time / this time) from two stored points' FLOP
    counts; None when either point has none."""
    if not reference.get("flops") or not point.get("flops"):
        return None
    from harness.timing.roofline import achieved_gflops

    flop_ratio = reference["flops"] / point["flops"]
    achieved = (achieved_gflops(reference["flops"], reference["p50_ms"]),
                achieved_gflops(point["flops"], point["p50_ms"]))
    return SpeedFactors(ratio, flop_ratio, ratio / flop_ratio, achieved)
