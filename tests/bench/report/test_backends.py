"""Best backend per model: the fastest that passed its gate, never one that failed."""

from __future__ import annotations

from dataclasses import replace

from bench.report.backends import backend_table, best_backends, gate
from tests.factories import board_text, latency_point, make_result, news_metrics


def _job(backend: str, p50: float, passed: bool | None, agreement: float = 1.0,
         model: str = "tinybert"):
    result = make_result(model=model, metrics={"points": [latency_point(8, 128, p50)],
                                               "skipped": [], "backend": backend})
    parity = None if passed is None else {
        "passed": passed, "agreement": agreement, "max_abs_logit_diff": 0.01,
        "reason": "within tolerance" if passed else "agreement 0.5 < 0.99"}
    result.metrics["parity"] = parity
    return replace(result, job_id=f"{model}__latency__{backend}__x",
                   job_key=(model + backend).ljust(64, "k"),
                   config={**result.config, "backend": backend})


def test_failed_gate_is_shown_but_never_ranked():
    results = [_job("pytorch-sdpa", 100.0, None), _job("pytorch-int8", 40.0, True, 0.998),
               _job("onnxruntime-int8", 25.0, False, 0.5)]
    best = best_backends(results)["tinybert"]
    assert best["best backend b8/s128"] == "pytorch-int8"
    assert best["best × b8/s128"] == 2.5 and best["best agree %"] == 99.8
    assert best["best real-model agree %"] is None  # the gate had no real model
    results[1].metrics["parity"]["real_model"] = {"checked": True, "agreement": 0.9951}
    assert best_backends(results)["tinybert"]["best real-model agree %"] == 99.51
    table = backend_table(results).set_index("backend")
    assert table.loc["onnxruntime-int8", "parity gate"].startswith("FAIL")
    assert table.loc["onnxruntime-int8", "× vs pytorch-sdpa"] == 4.0  # shown, not ranked
    assert gate(results[0]) == (True, "reference")
    text = board_text(results)
    assert "### Backends at batch 8, 128 tokens" in text and "| pytorch-int8 " in text


def test_backend_without_a_gate_is_not_ranked():
    results = [_job("pytorch-sdpa", 100.0, None), _job("torch-compile", 50.0, None)]
    assert best_backends(results)["tinybert"]["best backend b8/s128"] == "pytorch-sdpa"


def test_accuracy_deltas_render_per_backend():
    from bench.report.backends import accuracy_delta_table

    metrics = news_metrics(90, 0.9)
    metrics["test"]["backends"] = {
        "pytorch-int8": {"n": 90, "accuracy": 0.9, "accuracy_delta_pts": -1.111,
                         "agreement": 0.98, "max_abs_prob_diff": 0.2},
        "onnxruntime": {"skipped": "needs onnxruntime"}}
    result = make_result(suite="welfake", metrics=metrics)
    table = accuracy_delta_table([result]).set_index("backend")
    assert table.loc["pytorch-int8", "Δ pts vs fp32"] == -1.111
    assert table.loc["pytorch-int8", "agree %"] == 98.0
    assert table.loc["onnxruntime", "note"] == "needs onnxruntime"


def test_speed_up_is_a_ratio_within_one_run():
    """A later run's reference (another machine state) never divides an earlier backend."""
    backends_run = [_job("pytorch-sdpa", 100.0, None), _job("pytorch-int8", 40.0, True)]
    later = replace(_job("pytorch-sdpa", 150.0, None), run_id="run-2",
                    finished_at="2026-11-22T09:00:00+00:00", job_key="later".ljust(64, "k"))
    results = [*backends_run, later]
    assert best_backends(results)["tinybert"]["best × b8/s128"] == 2.5
    table = backend_table(results).set_index("backend")
    assert table.loc["pytorch-int8", "× vs pytorch-sdpa"] == 2.5


def test_each_model_at_its_best_against_the_reference_at_its_best():
    results = [_job("pytorch-sdpa", 100.0, None), _job("pytorch-int8", 40.0, True),
               _job("pytorch-sdpa", 600.0, None, model="bert-base"),
               _job("pytorch-int8", 200.0, True, model="bert-base")]
    best = best_backends(results)
    # same backend (fp32 eager) 600 / 100 = 6×; each at its best 200 / 40 = 5×
    assert best["tinybert"]["best-each × vs bert-base b8/s128"] == 5.0
    assert best["bert-base"]["best-each × vs bert-base b8/s128"] == 1.0
    assert best_backends(results[:2])["tinybert"].get("best-each × vs bert-base b8/s128") is None


def test_the_peak_line_shows_the_newest_runs_measurement():
    from bench.report.backends import machine_peak_line

    def peaks(gflops: float) -> dict:
        return {"threads": 2, "peaks": {"fp32": {"gflops": gflops}}}

    old, new = _job("pytorch-sdpa", 100.0, None), _job("pytorch-sdpa", 90.0, None)
    old.metrics["machine_peak"], new.metrics["machine_peak"] = peaks(202.0), peaks(442.0)
    new = replace(new, finished_at="2026-11-23T20:00:00+00:00", job_id="newer")
    assert "fp32 442 GFLOP/s" in machine_peak_line([new, old])


def test_a_point_over_the_measured_peak_is_flagged_never_shown_as_a_share():
    results = [_job("pytorch-sdpa", 100.0, None), _job("onnxruntime", 50.0, True)]
    results[0].metrics["points"][0].update(achieved_gflops=90.0, pct_of_peak=44.4)
    results[1].metrics["points"][0].update(achieved_gflops=180.0, pct_of_peak=175.3)
    table = backend_table(results).set_index("backend")
    assert table.loc["pytorch-sdpa", "% peak"] == 44.4
    assert table.loc["onnxruntime", "% peak"] == (
        "over the probed peak (175%): its GEMM library was not probed")
