"""LoadGen against a fake system under test with a known, fixed service time D: the Server
search lands where queueing theory puts the highest rate with p99 time in system ≤ the bound
(M/D/1: Erlang's exact waiting-time distribution; M/D/2: the queue's exact recursion over
200,000 Poisson arrivals), and LoadGen's own verdict and figures come back from its logs.

Stated tolerance: ±15% of the theoretical rate. What is left over is the fake's own jitter
(sleep wake-ups on a shared 2-core machine), LoadGen's early stopping (which fails a run
with a few queries over the bound, so it errs low) and the search's 3% resolution. The probe
is the suite's own (``Scenarios.probe``: a run failed by one pause is run again).
"""

from __future__ import annotations

import time

import pytest

from suites.serving.batcher import Batching, DynamicBatcher
from suites.serving.loadgen import RunPlan, complete, run_test
from suites.serving.scenarios import RunLengths, Scenarios
from suites.serving.search import SearchPlan, search_qps
from tests.suites.serving.queueing import (
    max_rate,
    md1_sojourn_cdf,
    md1_sojourn_p99,
    mdc_sojourn_p99,
)

SERVICE_S = 0.005
TOLERANCE = 0.15


def _fixed_service(indices, width):
    """Busy for exactly SERVICE_S: sleep most of it, spin the rest (sleep alone overshoots)."""
    started = time.perf_counter()
    while time.perf_counter() - started < 0.8 * SERVICE_S:
        time.sleep(SERVICE_S / 10)
    while time.perf_counter() - started < SERVICE_S:
        pass


def _answer(items):
    complete([query_id for query_id, _, _ in items])


def _search(servers: int, bound_ms: float) -> float:
    lengths = RunLengths(1000, 64, 1000, 500, 1000, 64)
    with DynamicBatcher([_fixed_service] * servers, [8] * 256, Batching(max_batch=1),
                        _answer) as batcher:
        scenarios = Scenarios(batcher, 256, lengths, bound_ms, seed=0)  # the suite's probe
        search = search_qps(scenarios.probe, 0.5 * servers / SERVICE_S,
                            SearchPlan(precision=0.03))
    assert search.qps is not None, search.stopped
    return search.qps


def test_theory_itself_agrees_exact_and_recursion():
    """The two evaluations of the same M/D/1 queue agree (so M/D/2's recursion is trusted)."""
    rate = 100.0
    assert md1_sojourn_p99(rate, SERVICE_S) == pytest.approx(
        mdc_sojourn_p99(rate, SERVICE_S, 1), rel=0.03)
    assert md1_sojourn_cdf(SERVICE_S * 0.99, rate, SERVICE_S) == 0.0
    assert md1_sojourn_cdf(SERVICE_S, rate, SERVICE_S) == pytest.approx(1 - rate * SERVICE_S)


def test_md1_server_search_lands_on_theory():
    bound = 5 * SERVICE_S
    theory = max_rate(lambda r: md1_sojourn_p99(r, SERVICE_S), bound, SERVICE_S, 1)
    found = _search(1, 1000 * bound)
    assert abs(found / theory - 1) <= TOLERANCE, (found, theory)


def test_md2_server_search_lands_on_theory():
    bound = 3 * SERVICE_S
    theory = max_rate(lambda r: mdc_sojourn_p99(r, SERVICE_S, 2, 50_000), bound, SERVICE_S, 2)
    found = _search(2, 1000 * bound)
    assert abs(found / theory - 1) <= TOLERANCE, (found, theory)


def test_loadgen_verdict_and_figures_come_from_its_logs():
    with DynamicBatcher([_fixed_service], [8] * 64, Batching(max_batch=1), _answer) as b:
        ok = run_test(RunPlan("SingleStream", 500, 64), b.submit, 64, 64)
        overloaded = run_test(RunPlan("Server", 500, 300, target_qps=2000,
                                       latency_bound_ms=10), b.submit, 64, 64)
    assert ok.valid and ok.scenario == "SingleStream" and ok.query_count >= 64
    assert ok.latency_ms["p50"] >= 1000 * SERVICE_S * 0.95
    assert ok.latency_ms["p90"] >= ok.latency_ms["p50"]
    assert "MLPerf Results Summary" in ok.summary and ok.detail["loadgen_version"]
    assert "loadgen_file_sha1" not in ok.detail
    assert not overloaded.valid
    assert overloaded.validity["latency constraint"] is False
    assert overloaded.latency_ms["p99"] > 10
