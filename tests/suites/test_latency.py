from __future__ import annotations

import time

import pytest

from harness.timing.tracker import LatencyStats, time_calls
from suites.latency.suite import LatencySuite


def test_time_calls_meets_both_minimum_count_and_minimum_time():
    calls = []

    def fn():
        calls.append(1)
        time.sleep(0.01)

    samples = time_calls(fn, warmup=2, min_repeats=3, min_time_s=0.08)
    assert len(samples) >= 3 and sum(samples) >= 0.08
    assert len(calls) == len(samples) + 2  # warm-up calls are not timed
    assert all(s >= 0.009 for s in samples)

    fast = time_calls(lambda: None, warmup=0, min_repeats=7, min_time_s=0.0)
    assert len(fast) == 7
    capped = time_calls(lambda: None, warmup=0, min_repeats=1, min_time_s=10.0, max_repeats=50)
    assert len(capped) == 50


def test_stats_from_known_samples():
    stats = LatencyStats.from_samples(4, 128, [i / 1e3 for i in range(1, 101)], warmup=1)
    assert stats.n == 100
    assert stats.p50_ms == pytest.approx(50.5)
    assert stats.p90_ms == pytest.approx(90.1)
    assert stats.p99_ms == pytest.approx(99.01)
    assert stats.mean_ms == pytest.approx(50.5)
    assert stats.ms_per_sample == pytest.approx(50.5 / 4)
    assert stats.samples_per_s == pytest.approx(4000 / 50.5)
    assert LatencyStats.from_dict(stats.to_dict()) == stats
    assert stats.row()["p50 ms"] == 50.5
    with pytest.raises(ValueError):
        LatencyStats.from_samples(1, 1, [], warmup=0)


def test_presets_are_the_documented_grids():
    suite = LatencySuite()
    quick, full = suite.preset("quick", 2), suite.preset("full", 2)
    assert quick.points() == [(1, 128), (1, 512), (8, 128), (8, 512)]
    assert full.batch_sizes == (1, 2, 4, 8, 16, 32) and full.seq_lens == (64, 128, 256, 512)
    tuned = suite.configure("quick", 3, {"batch_sizes": (2,), "weights": None})
    assert tuned.batch_sizes == (2,) and tuned.threads == 3 and tuned.weights == "auto"


class _FakeClock:
    """perf_counter for warm_up: each call of ``fn`` advances it by the next duration."""

    def __init__(self, durations):
        self.now, self.durations = 0.0, iter(durations)

    def perf_counter(self) -> float:
        return self.now

    def call(self) -> None:
        self.now += next(self.durations)


def _warm(monkeypatch, durations, min_calls):
    from harness.timing import tracker

    clock = _FakeClock(durations)
    monkeypatch.setattr(tracker, "time", clock)
    return tracker.warm_up(clock.call, min_calls=min_calls)


def test_warm_up_runs_until_the_last_calls_agree(monkeypatch):
    times = _warm(monkeypatch, [0.09, 0.05, 0.030, 0.0101, 0.0100, 0.0099, 0.01, 0.01],
                  min_calls=1)
    assert times == pytest.approx([0.09, 0.05, 0.030, 0.0101, 0.0100, 0.0099])  # settled


def test_warm_up_honours_the_minimum_and_stops_slow_points_early(monkeypatch):
    assert len(_warm(monkeypatch, [0.01] * 10, min_calls=5)) == 5
    slow = _warm(monkeypatch, [0.7, 0.45, 0.6, 0.5], min_calls=1)
    assert slow == pytest.approx([0.7, 0.45])  # 1.15 s: past WARMUP_MAX_S, steady enough
