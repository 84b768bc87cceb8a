"""What the reports make of serving results: the ratio and its interval from the searches'
brackets, 'none at this bound' read as n/a with its reason, the compare gate on Server QPS,
the card's claims judged from serving evidence, the curves' hollow invalid probes."""

from __future__ import annotations

import pytest

from bench.report.compare import compare_runs
from bench.report.delta import parse_fail_on
from bench.report.verdicts import assess
from harness.records.schema import JobResult
from models_registry.claims import all_claims
from suites.serving import SUITE
from suites.serving.record import ServingMetrics
from suites.serving.report import curves, qps_ratio, rates, serving_table
from tests.factories import make_result


def serving_metrics(qps: float | None, above: float | None = None, *, cold: float = 3.0,
                    p90: float = 20.0) -> dict:
    curve = ([{"qps": qps, "valid": True, "p99_ms": 100.0, "completed_qps": qps,
               "why_invalid": "", "mean_batch": 2.0, "pad_fraction": 0.1}] if qps else [])
    if above:
        curve.append({"qps": above, "valid": False, "p99_ms": 180.0, "completed_qps": above,
                      "why_invalid": "latency constraint", "mean_batch": 4.0,
                      "pad_fraction": 0.2})
    metrics = {
        "backend": "pytorch-sdpa", "precision": "fp32", "parity": None,
        "requests": {"set": "news", "lengths": {"p50": 17}}, "latency_bound_ms": 130.0,
        "run_lengths": {"mlperf_minimums": False},
        "batching": {"label": "batch ≤8, dynamic padding"},
        "single_stream": {"valid": True, "latency_ms": {"p90": p90, "mean": p90 * 0.9}},
        "layouts": [], "offline": {"valid": True, "samples_per_s": 2.0 * (qps or 10)},
        "server": {"qps": qps, "layout": "1x2" if qps else None,
                   "repeats": [qps] if qps else [],
                   "brackets": [[qps, above]] if qps else [], "curve": curve,
                   "none": None if qps else "no QPS meets p99 <= 130 ms; SingleStream p90 "
                                            f"is {p90:.1f} ms",
                   "margin_vs_single_stream": 1.0 if qps else None},
        "cold_start": {"processes": 5, "median": {"total_s": cold, "imports_s": 1.0,
                                                  "weights_s": cold - 1.2, "convert_s": 0.0,
                                                  "first_call_s": 0.2},
                       "runs": [{"total_s": cold * f} for f in (0.98, 1.0, 1.02, 0.99, 1.01)]},
    }
    ServingMetrics.from_dict(metrics)  # the fixture is a record the suite could store
    return metrics


def result(model: str, qps: float | None, above: float | None = None, run: str = "run-1",
           **kwargs) -> JobResult:
    r = make_result(model=model, suite="serving", metrics=serving_metrics(qps, above, **kwargs),
                    run_id=run)
    r.config.update(backend="pytorch-sdpa", search_precision=0.05)
    return r


def test_ratio_interval_comes_from_both_brackets():
    value, low, high = qps_ratio(result("mobilebert", 100.0, 104.0), result("bert-base", 20.0,
                                                                            21.0))
    assert value == pytest.approx(5.0)
    assert low == pytest.approx(100 / 21) and high == pytest.approx(104 / 20)


def test_none_at_this_bound_reads_na_with_its_reason():
    board = serving_table([result("mobilebert", 100.0, 104.0), result("bert-base", None)])
    board = board.set_index(board["model"].str.split().str[0])
    row = board.loc["mobilebert"]
    assert row["× QPS vs bert-base"] == "n/a (bert-base: none at this bound)"
    ref = board.loc["bert-base"]
    assert ref["Server QPS p99≤130ms"] == "none at this bound"
    assert "SingleStream p90 is" in ref["notes"]
    assert rates(result("bert-base", None)) == []


def test_compare_gates_on_server_qps():
    a = [result("mobilebert", 100.0, 104.0, run="a")]
    worse = [result("mobilebert", 70.0, 73.0, run="b")]
    same = [result("mobilebert", 102.0, 106.0, run="b")]
    thresholds = parse_fail_on(["server-qps=10%"])
    failing = compare_runs(a, worse).regressions(thresholds)
    assert [d.metric for d in failing] == ["server-qps"] and failing[0].change < -25
    assert compare_runs(a, same).regressions(thresholds) == []  # within the search resolution
    with pytest.raises(ValueError, match="server-qps=PCT%"):
        parse_fail_on(["qps=10%"])


def test_card_throughput_and_cold_start_claims_are_judged_from_serving():
    results = [result("mobilebert", 90.0, 94.0, cold=3.0), result("bert-base", 30.0, 31.0,
                                                                  cold=4.5)]
    claims = all_claims()
    finding, status, _ = assess(claims["card-mobilebert-squad-v2-3-4x-gpu-throughput"],
                                results)
    assert finding.value == pytest.approx(3.0) and status == "reproduced"
    assert finding.protocol_match == "mismatch" and "does not show GPU" in finding.provenance
    finding, status, _ = assess(claims["card-mobilebert-squad-v2-fast-cold-start"], results)
    assert finding.value == pytest.approx(1.5) and status == "reproduced"


def test_curves_mark_invalid_probes_and_draw_the_bound():
    (figure,) = curves([result("mobilebert", 100.0, 104.0), result("bert-base", 20.0, 21.0)])
    assert figure.y_line == 130.0
    assert figure.series["mobilebert"] == [(100.0, 100.0, True), (104.0, 180.0, False)]
    assert SUITE.curves([]) == []


def test_the_leaderboard_summary_shows_server_qps_and_the_bound_it_holds_under():
    from bench.report.summary import compact_table, rate_cells

    results = [result("mobilebert", 100.0, 104.0), result("bert-base", 20.0, 21.0),
               result("tinybert", None)]
    table = compact_table(results).set_index("model")
    assert table.loc["mobilebert", "server-qps (QPS)"] == 100.0
    assert table.loc["bert-base", "server-qps (QPS)"] == 20.0
    assert table.loc[["tinybert"], "server-qps (QPS)"].isna().all()  # none at this bound
    _, conditions = rate_cells(results)
    assert conditions == ["server-qps: p99≤130ms news batch ≤8, dynamic padding"]
