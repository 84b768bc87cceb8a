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


def _fake_bursts(monkeypatch, times_of: dict[str, list[float]]):
    """Bursts that return scripted call times per entry (cycled), without sleeping."""
    from suites.latency import rounds as module

    counters = {name: 0 for name in times_of}

    def burst(fn, seconds, rewarm):
        name = fn.entry
        values = times_of[name]
        counters[name] += 1
        return [values[(counters[name] - 1) % len(values)]]

    monkeypatch.setattr(module, "_burst", burst)
    monkeypatch.setattr(module, "measure_undisturbed",
                        lambda measure, on_retry=None: (measure(), {"disturbed": False}))
    return counters


def _named(name):
    def call_at(point):
        def fn():
            pass
        fn.entry = name
        return fn
    return call_at


def test_noisy_ratios_get_more_rounds_until_the_target_and_say_why(monkeypatch):
    # b's per-round times scatter by ±10%: its ratio to a needs rounds to reach ± 3%
    _fake_bursts(monkeypatch, {"a": [0.01], "b": [0.018, 0.022, 0.02, 0.019, 0.021]})
    plan = RoundPlan(warmup=1, min_time_s=0.0, burst_s=1e-9, min_rounds=3, max_rounds=200,
                     target_ci_pct=3.0, max_point_s=60.0)
    entries = [Entry(n, [(1, 8)], _named(n)) for n in "ab"]
    timings, _ = interleave(entries, plan, lambda m: None)
    a, b = timings["a"][(1, 8)], timings["b"][(1, 8)]
    assert len(a.rounds_s) == len(b.rounds_s) > 3
    stop = a.stop
    assert stop is b.stop and stop["stopped"] == "target met"
    assert stop["planned_rounds"] == 3 and stop["rounds"] == len(a.rounds_s)
    assert stop["widest_ci_pct"] <= 3.0
    # one round fewer would not have met it: the rule stopped at the first round that did
    from suites.latency.rounds import widest_ci_pct
    a.rounds_s.pop(), b.rounds_s.pop()
    assert widest_ci_pct([a, b]) > 3.0


def test_extra_rounds_stop_at_the_caps_and_without_a_target(monkeypatch):
    noisy = {"a": [0.01], "b": [0.01, 0.03]}  # a CI that never narrows to ± 0.1 %
    entries = [Entry(n, [(1, 8)], _named(n)) for n in "ab"]
    base = dict(warmup=1, min_time_s=0.0, burst_s=1e-9, min_rounds=3)
    _fake_bursts(monkeypatch, noisy)
    timings, _ = interleave(entries, RoundPlan(**base, max_rounds=9, target_ci_pct=0.1,
                                               max_point_s=60.0), lambda m: None)
    assert timings["a"][(1, 8)].stop["stopped"] == "max rounds"
    assert len(timings["a"][(1, 8)].rounds_s) == 9
    _fake_bursts(monkeypatch, noisy)
    timings, _ = interleave(entries, RoundPlan(**base, max_rounds=9, target_ci_pct=0.1,
                                               max_point_s=0.0), lambda m: None)
    assert timings["a"][(1, 8)].stop["stopped"] == "time cap"
    assert len(timings["a"][(1, 8)].rounds_s) == 3  # the planned rounds are always timed
    _fake_bursts(monkeypatch, noisy)
    timings, _ = interleave(entries, RoundPlan(**base, max_rounds=9), lambda m: None)
    assert timings["b"][(1, 8)].stop["stopped"] == "planned rounds"
    assert len(timings["b"][(1, 8)].rounds_s) == 3
