"""Interleaved timing: the entries of a comparison are timed in alternating rounds.

Timing one model after the other lets a few seconds of a noisy neighbour, a clock change or
a cache-hungry process land on one model only, and the ratios between models move by 10-50%
from run to run. Here every entry (a model on a backend, or the A/A control) is warmed up
at a point, then the point is timed in ``rounds``: each round gives every entry one short
burst, in an order rotated from round to round, so drift hits all entries alike and every
ratio can be formed round by round (``harness.ratios``).

How many rounds, and how long a burst (see :meth:`RoundPlan.rounds_for`): each entry is timed for at
least ``min_time_s`` per point, over at least ``min_rounds`` rounds; a burst lasts at least
``burst_s`` and at least one call. A point whose slowest call takes longer than
``min_time_s / min_rounds`` gets ``min_rounds`` rounds of one call of it.

Then, until the ratios are as sure as asked (:func:`widest_ci_pct`): while the paired ratio
of some two entries still has a 95% CI wider than ``± target_ci_pct``, another round is
timed, of ``burst_s`` bursts, as long as the point's rounds stay within ``max_point_s`` and
``max_rounds`` (a fixed-width sequential rule, after Chow & Robbins 1965). A slow point
(BERT-base at b8/s512: 4 s a call) keeps its planned rounds; a cheap one gets the rounds
its ratios need. Each point records why its rounds stopped.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.timing.disturbance import measure_undisturbed
from harness.timing.tracker import WARMUP_WINDOW, time_calls, warm_up

Point = tuple[int, int]
# Calls shorter than this get one untimed call at the start of every burst: the entry
# before it has just used the caches and the thread pool, and a short call would pay for
# that in its first sample (a long call's share of that cost is negligible).
REWARM_BELOW_S = 0.1


@dataclass(frozen=True)
class RoundPlan:
    """How a point is timed; the same for every entry of a group."""

    warmup: int  # warm-up calls at least, then until stable (``tracker.warm_up``)
    min_time_s: float  # timed seconds per entry and point, at least
    burst_s: float  # one entry's share of one round, at least (and one call)
    min_rounds: int
    max_rounds: int
    # More rounds after the planned ones while a pair's paired-ratio CI is wider than this
    # (± %, 95%); None: the planned rounds only.
    target_ci_pct: float | None = None
    max_point_s: float = 0.0  # the point's rounds (every entry) take at most this, extended

    def rounds_for(self, call_s: dict[str, float]) -> tuple[int, dict[str, float]]:
        """Rounds at a point, and each entry's burst seconds, from its warmed-up call time."""
        unit = max(max(self.burst_s, c) for c in call_s.values())
        rounds = min(self.max_rounds, max(self.min_rounds, math.ceil(self.min_time_s / unit)))
        burst = max(self.burst_s, self.min_time_s / rounds)
        return rounds, {name: burst for name in call_s}


@dataclass
class Entry:
    """One thing timed in a group. ``call_at(point)`` gives the zero-argument call to time."""

    name: str
    points: list[Point]
    call_at: Callable[[Point], Callable[[], object]]


@dataclass
class PointTiming:
    """One entry at one point: its first call, warm-up and every round's burst."""

    first_s: float
    warmup_s: list[float]
    rounds_s: list[list[float]] = field(default_factory=list)
    machine: list[dict[str, Any]] = field(default_factory=list)  # one record per round
    stop: dict[str, Any] = field(default_factory=dict)  # why the point's rounds ended

    @property
    def round_medians_s(self) -> list[float]:
        return [statistics.median(burst) for burst in self.rounds_s]

    @property
    def samples_s(self) -> list[float]:
        return [s for burst in self.rounds_s for s in burst]

    @property
    def disturbed(self) -> bool:
        return any(m["disturbed"] for m in self.machine)


def _burst(fn: Callable[[], object], seconds: float, rewarm: bool) -> list[float]:
    if rewarm:
        fn()
    return time_calls(fn, warmup=0, min_repeats=1, min_time_s=seconds)


def widest_ci_pct(timings: list[PointTiming]) -> float | None:
    """The widest 95% CI (± %) of the paired ratio between any two of these entries at one
    point, from their rounds so far; None with fewer than two entries or rounds."""
    from harness.ratios import paired_ratio

    if len(timings) < 2 or len(timings[0].rounds_s) < 2:
        return None
    medians = [t.round_medians_s for t in timings]
    return max(paired_ratio(a, b).half_width_pct
               for i, a in enumerate(medians) for b in medians[i + 1:])


def _stop_reason(plan: RoundPlan, widest: float | None, done: int, elapsed_s: float,
                 last_round_s: float) -> str | None:
    """Why the point's rounds stop now (None: time another round)."""
    if plan.target_ci_pct is None:
        return "planned rounds"
    if widest is None:
        return "planned rounds (nothing to pair)"
    if widest <= plan.target_ci_pct:
        return "target met"
    if done >= plan.max_rounds:
        return "max rounds"
    if elapsed_s + last_round_s > plan.max_point_s:
        return "time cap"
    return None


def interleave(
    entries: list[Entry], plan: RoundPlan, progress: Callable[[str], None],
) -> tuple[dict[str, dict[Point, PointTiming]], dict[str, BaseException]]:
    """Time every entry at every one of its points, point by point, in rotated rounds.

    Returns the timings per entry and point, and the entries that raised (with the
    exception); an entry that fails is dropped from the remaining rounds and points.
    """
    timings: dict[str, dict[Point, PointTiming]] = {e.name: {} for e in entries}
    failures: dict[str, BaseException] = {}
    points = list(dict.fromkeys(p for e in entries for p in e.points))
    for point in points:
        where = f"b{point[0]}/s{point[1]}"
        calls: dict[str, Callable[[], object]] = {}
        call_s: dict[str, float] = {}
        for entry in entries:
            if point not in entry.points or entry.name in failures:
                continue
            progress(f"{entry.name} {where}: first call and warm-up")
            try:
                fn = entry.call_at(point)
                t0 = time.perf_counter()
                fn()
                first = time.perf_counter() - t0
                warm = warm_up(fn, min_calls=plan.warmup)
            except Exception as exc:
                failures[entry.name] = exc
                continue
            calls[entry.name] = fn
            call_s[entry.name] = statistics.median(warm[-WARMUP_WINDOW:])
            timings[entry.name][point] = PointTiming(first, warm)
        if not calls:
            continue
        rounds, burst = plan.rounds_for(call_s)
        names = list(calls)
        started = round_started = time.perf_counter()
        r, stop = 0, None
        while True:
            if r >= rounds:
                alive = [timings[n][point] for n in names if n not in failures]
                widest = widest_ci_pct(alive)
                now = time.perf_counter()
                stop = _stop_reason(plan, widest, r, now - started, now - round_started)
                if stop is not None:
                    break
                burst = {name: plan.burst_s for name in names}  # extra rounds: short bursts
            round_started = time.perf_counter()
            progress(f"{where}: round {r + 1}/{rounds if r < rounds else '+'} over "
                     f"{len(names)} entries")
            shift = r % len(names)
            r += 1
            for name in names[shift:] + names[:shift]:
                if name in failures:
                    continue
                fn, seconds, rewarm = calls[name], burst[name], call_s[name] < REWARM_BELOW_S
                label = f"{name} {where}"
                try:
                    samples, machine = measure_undisturbed(
                        lambda fn=fn, seconds=seconds, rewarm=rewarm: _burst(fn, seconds, rewarm),
                        on_retry=lambda a, label=label: progress(
                            f"{label}: machine busy ({a.other_cpu_cores} cores other, "
                            f"{a.steal_cores} steal), timing the burst again"))
                except Exception as exc:
                    failures[name] = exc
                    timings[name].pop(point, None)
                    continue
                timings[name][point].rounds_s.append(samples)
                timings[name][point].machine.append(machine)
        # the loop ends only at the stop check: ``alive`` and ``widest`` are the final ones
        record = {"planned_rounds": rounds, "rounds": r, "stopped": stop,
                  "target_ci_pct": plan.target_ci_pct, "widest_ci_pct": _rounded(widest),
                  "seconds": round(time.perf_counter() - started, 2)}
        for timing in alive:
            timing.stop = record
    return timings, failures


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
