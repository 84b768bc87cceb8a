"""Interleaved rounds: every entry is timed in every round, in a rotated order, for the
planned time; an entry that raises is dropped and the others go on."""

from __future__ import annotations

import time

import pytest

from suites.latency.rounds import Entry, RoundPlan, interleave

PLAN = RoundPlan(warmup=1, min_time_s=0.06, burst_s=0.01, min_rounds=3, max_rounds=40)


def test_rounds_follow_the_slowest_call_and_every_entry_gets_the_time():
    # fast calls: the time over bursts decides (0.06 s / 0.01 s = 6 rounds)
    assert PLAN.rounds_for({"a": 0.001, "b": 0.002}) == (6, {"a": 0.01, "b": 0.01})
    # a 0.05 s call: one call a round would give 2 rounds, the minimum is 3, and the fast
    # entry's bursts stretch so that it is timed for min_time_s too
    rounds, burst = PLAN.rounds_for({"fast": 0.001, "slow": 0.05})
    assert rounds == 3 and burst["fast"] == pytest.approx(0.02)
    # never more than max_rounds
    assert RoundPlan(1, 10.0, 0.001, 1, 7).rounds_for({"a": 0.001})[0] == 7


def _sleeper(log: list[str], name: str, seconds: float):
    def call_at(point):
        def fn():
            log.append(name)
            time.sleep(seconds)
        fn.entry = name
        return fn
    return call_at


def test_entries_alternate_in_rotated_rounds(monkeypatch):
    from suites.latency import rounds as module

    bursts: list[str] = []
    original = module._burst

    def recording(fn, seconds, rewarm):
        bursts.append(fn.entry)
        return original(fn, seconds, rewarm)

    monkeypatch.setattr(module, "_burst", recording)
    # A busy test machine would repeat a burst (tests/suites/test_disturbance.py covers it)
    monkeypatch.setattr(module, "measure_undisturbed",
                        lambda measure, on_retry=None: (measure(), {"disturbed": False}))
    entries = [Entry(n, [(1, 8)], _sleeper([], n, 0.002)) for n in ("a", "b", "c")]
    timings, failures = interleave(entries, PLAN, lambda m: None)
    assert not failures
    # 6 rounds of one burst each, the starting entry rotated round by round
    assert bursts == ["a", "b", "c", "b", "c", "a", "c", "a", "b"] * 2
    for name in "abc":
        timing = timings[name][(1, 8)]
        assert len(timing.rounds_s) == len(timing.machine) == 6
        assert all(len(burst) >= 1 for burst in timing.rounds_s)
        assert sum(timing.samples_s) >= PLAN.min_time_s * 0.99
        assert timing.first_s > 0 and len(timing.warmup_s) >= PLAN.warmup


def test_a_failing_entry_is_dropped_and_the_others_finish():
    calls = {"n": 0}

    def flaky(point):
        def fn():
            calls["n"] += 1
            if calls["n"] > 4:
                raise RuntimeError("out of memory at this point")
        return fn

    entries = [Entry("ok", [(1, 8), (2, 8)], _sleeper([], "ok", 0.001)),
               Entry("flaky", [(1, 8), (2, 8)], flaky)]
    timings, failures = interleave(entries, PLAN, lambda m: None)
    assert set(failures) == {"flaky"} and "out of memory" in str(failures["flaky"])
    assert set(timings["ok"]) == {(1, 8), (2, 8)}
    assert timings["flaky"] == {}  # no half-timed point is left behind
