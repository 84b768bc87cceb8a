"""The backend axis end to end: jobs per backend, a timed job with parity and roofline."""

from __future__ import annotations

import json

import pytest

from bench.run.jobs import plan_jobs
from harness.backends import BACKENDS, REFERENCE, expand_backends
from harness.timing.roofline import (
    PEAK_ENV,
    MachinePeaks,
    MatmulPeak,
    peaks_for_job,
    roofline_fields,
)
from models_registry.meta import ModelMeta
from suites.latency.suite import LatencySuite


def test_all_expands_to_every_backend_reference_first():
    names = expand_backends(["all"])
    assert names[0] == REFERENCE and set(names) == set(BACKENDS)
    assert expand_backends(["onnxruntime", "pytorch-sdpa", "onnxruntime"]) == [
        "onnxruntime", "pytorch-sdpa"]
    with pytest.raises(KeyError, match="unknown backend 'tensorrt'"):
        expand_backends(["tensorrt"])


def test_plan_one_job_per_available_backend(monkeypatch):
    monkeypatch.setattr(type(BACKENDS["pytorch-bf16"]), "unavailable",
                        lambda self: "no bf16 here")
    skipped = []
    jobs = plan_jobs(["tinybert", "tfidf-logreg"], ["latency", "static"], mode="quick",
                     threads=2, overrides={"backends": ["all"]}, on_skip=skipped.append)
    latency = [j for j in jobs if j.suite == "latency"]
    tiny = {j.config["backend"]: j for j in latency if j.model.name == "tinybert"}
    available = {n for n, b in BACKENDS.items() if not b.unavailable()}
    assert set(tiny) == available - {"pytorch-bf16"}
    assert {"pytorch-sdpa", "pytorch-int8", "pytorch-folded", "folded-compile"} <= set(tiny)
    assert tiny["pytorch-eager-attn"].config["attn_implementation"] == "eager"
    assert len({j.job_id for j in jobs}) == len(jobs)  # backends never collide
    assert sum(j.model.name == "tfidf-logreg" for j in latency) == 1
    assert [j.suite for j in jobs if j.model.name == "tinybert"].count("static") == 1
    assert any("pytorch-bf16" in m and "no bf16 here" in m for m in skipped)


def test_roofline_fields_and_run_peak_file(tmp_path, monkeypatch):
    fields = roofline_fields(flops=2_000_000_000, p50_ms=10.0, peak_gflops=400.0)
    assert fields == {"flops": 2_000_000_000, "achieved_gflops": 200.0, "pct_of_peak": 50.0}
    peaks = MachinePeaks(2, {"fp32": MatmulPeak("fp32", 123.0, {"512": 123.0}, 2, "t")}, 0.1)
    path = tmp_path / "peak.json"
    path.write_text(json.dumps(peaks.to_dict()))
    monkeypatch.setenv(PEAK_ENV, str(path))
    loaded, source = peaks_for_job(2)
    assert loaded.gflops("fp32") == 123.0 and "once for the run" in source


def test_measured_peak_is_positive(monkeypatch):
    import harness.timing.roofline as roofline

    monkeypatch.setattr(roofline, "SIZES", (64, 128))
    peaks = roofline.measure_peaks(1, min_time_s=0.01)
    assert peaks.gflops("fp32") > 0.1
    assert set(peaks.peaks) | set(peaks.unavailable) >= {"fp32", "bf16", "int8"}
    fp32 = peaks.peaks["fp32"]
    import importlib.util

    probed = {"onnxruntime": "onnxruntime MatMul", "openvino": "openvino MatMul"}
    expected = {name for module, name in probed.items() if importlib.util.find_spec(module)}
    if fp32.by_library:  # every installed GEMM library probed; the peak is the best
        assert fp32.gflops == max(fp32.by_library.values())
        assert {k.split(" (")[0] for k in fp32.by_library} == {
            "torch.mm float32, square n×n", *expected}
        assert fp32.method.startswith("best of: torch.mm")
    else:
        assert not expected
    roundtrip = roofline.MachinePeaks.from_dict(peaks.to_dict())
    assert roundtrip.peaks["fp32"] == fp32
    old = {**peaks.to_dict()}  # a file written before by_library existed still reads
    old["peaks"] = {k: {f: v for f, v in p.items() if f != "by_library"}
                    for k, p in old["peaks"].items()}
    assert roofline.MachinePeaks.from_dict(old).gflops("fp32") == fp32.gflops


def test_latency_job_gates_converts_and_times(tiny_bert_dir, tmp_path, monkeypatch):
    peaks = MachinePeaks(1, {"fp32": MatmulPeak("fp32", 50.0, {}, 1, "t"),
                             "int8": MatmulPeak("int8", 100.0, {}, 1, "t")}, 0.0)
    (tmp_path / "peak.json").write_text(json.dumps(peaks.to_dict()))
    monkeypatch.setenv(PEAK_ENV, str(tmp_path / "peak.json"))
    suite = LatencySuite()
    config = suite.configure("quick", 1, {"backend": "pytorch-int8", "batch_sizes": (2,),
                                          "seq_lens": (16,), "min_time_s": 0.0,
                                          "min_rounds": 3, "burst_s": 0.01})
    out = suite.run(ModelMeta.from_local_dir(tiny_bert_dir), config, lambda m: None)
    metrics = out.metrics
    assert metrics["parity"]["passed"] and metrics["parity"]["backend"] == "pytorch-int8"
    assert metrics["peak_gflops_used"] == 100.0  # int8 points are held against the int8 peak
    (point,) = metrics["points"]
    assert point["flops"] > 0 and point["first_call_ms"] > 0
    assert point["pct_of_peak"] == pytest.approx(
        100 * point["flops"] / (point["p50_ms"] / 1e3) / 1e9 / 100.0, abs=0.051)
    assert out.runtime["backend"] == "pytorch-int8" and metrics["prepare_s"] >= 0
