"""The Server search: bracket then bisection, against a system whose limit is known."""

from __future__ import annotations

import pytest

from suites.serving.search import Probe, SearchPlan, search_qps


def limit_at(limit: float, calls: list[float] | None = None):
    def probe(qps: float) -> Probe:
        if calls is not None:
            calls.append(qps)
        return Probe(qps, qps <= limit, 10.0 if qps <= limit else 500.0, qps)
    return probe


@pytest.mark.parametrize(("start", "limit"), [(10.0, 37.0), (100.0, 37.0), (36.0, 37.0),
                                              (1.0, 250.0)])
def test_lands_within_precision_below_the_limit(start, limit):
    plan = SearchPlan(precision=0.03, max_probes=30)
    search = search_qps(limit_at(limit), start, plan)
    assert search.qps <= limit < search.above
    assert search.above / search.qps <= 1.03
    assert search.stopped.startswith("bracket within")
    assert search.best.valid and search.to_dict()["probes"]


def test_no_valid_rate_says_so_and_stops_at_the_floor():
    calls: list[float] = []
    search = search_qps(limit_at(0.1, calls), 8.0, SearchPlan(floor_qps=0.5, max_probes=20))
    assert search.qps is None and search.best is None
    assert "no valid rate" in search.stopped
    assert min(calls) >= 0.5


def test_a_challenger_that_fails_the_rate_to_beat_costs_one_probe():
    calls: list[float] = []
    search = search_qps(limit_at(30.0, calls), 40.0, SearchPlan(), challenge=True)
    assert calls == [40.0] and search.qps is None and "rate to beat" in search.stopped


def test_a_challenger_that_passes_searches_upward():
    search = search_qps(limit_at(90.0), 40.0, SearchPlan(precision=0.05, max_probes=20),
                        challenge=True)
    assert 90.0 / 1.05 <= search.qps <= 90.0


def test_the_probe_cap_bounds_the_work_and_is_reported():
    calls: list[float] = []
    search = search_qps(limit_at(1000.0, calls), 1.0, SearchPlan(max_probes=4))
    assert len(calls) == 4 and "probe cap" in search.stopped


def test_a_start_that_is_not_a_rate_is_refused():
    with pytest.raises(ValueError, match="positive rate"):
        search_qps(limit_at(1.0), 0.0, SearchPlan())
