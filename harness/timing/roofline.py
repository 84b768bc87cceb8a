"""The machine's attainable matrix-multiply throughput, measured once per run.

Roofline accounting holds each latency point's achieved GFLOP/s against what this machine
really attains on dense GEMM with the same thread count — not a datasheet peak. fp32 is the
best of ``torch.mm`` and, when installed, ONNX Runtime's MatMul (MLAS, which is about twice as
fast per core as torch.mm on some AVX-512 CPUs) and OpenVINO's (oneDNN); bf16 uses
``torch.mm``; int8 uses ``torch._int_mm`` (int8 × int8 → int32). ExecuTorch's XNNPACK GEMM
is not probed (it lowers a program per shape); a point above 100% of the peak says its
library outran the probe and is flagged, never shown as a share of the peak
(:func:`peak_share`).

    python -m harness.timing.roofline --threads 2 --out peak.json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SIZES = (512, 1024, 2048)
PEAK_ENV = "BENCH_MACHINE_PEAK"  # a file the runner measured for this run


@dataclass(frozen=True)
class MatmulPeak:
    """Median-of-repeats GFLOP/s (GOP/s for int8) at each square size; the peak is the best."""

    dtype: str
    gflops: float
    by_size: dict[str, float]
    threads: int
    method: str
    # GFLOP/s per GEMM library tried, when more than one was (the peak is the best of them).
    by_library: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MachinePeaks:
    threads: int
    peaks: dict[str, MatmulPeak]
    measured_in_s: float
    unavailable: dict[str, str] = field(default_factory=dict)

    def gflops(self, precision: str) -> float | None:
        peak = self.peaks.get(precision)
        return peak.gflops if peak else None

    def to_dict(self) -> dict[str, Any]:
        return {"threads": self.threads, "measured_in_s": self.measured_in_s,
                "peaks": {k: v.to_dict() for k, v in self.peaks.items()},
                "unavailable": self.unavailable}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MachinePeaks:
        return cls(threads=data["threads"], measured_in_s=data["measured_in_s"],
                   peaks={k: MatmulPeak(**v) for k, v in data["peaks"].items()},
                   unavailable=data.get("unavailable", {}))


def _median_rate(fn, flops: float, min_time_s: float, min_repeats: int = 5) -> float:
    from harness.timing.tracker import time_calls

    # One warm-up call (allocations, kernel selection), then the latency suite's timing loop.
    samples = sorted(time_calls(fn, warmup=1, min_repeats=min_repeats, min_time_s=min_time_s))
    return flops / samples[len(samples) // 2] / 1e9


def _peak(dtype: str, make, op, threads: int, min_time_s: float, method: str) -> MatmulPeak:
    by_size = {}
    for n in SIZES:
        a, b = make(n), make(n)
        by_size[str(n)] = round(_median_rate(lambda a=a, b=b: op(a, b), 2 * n**3, min_time_s), 1)
    return MatmulPeak(dtype, max(by_size.values()), by_size, threads, method)


def _ort_matmul(threads: int):
    """``(make, op)`` for ONNX Runtime's MatMul (MLAS) at ``threads``, or None when it is
    not installed. MLAS reaches about twice torch.mm's fp32 rate per core on some CPUs (an
    AVX-512 path torch's GEMM does not take there), so a peak from torch.mm alone would put
    ONNX Runtime above 100%."""
    import importlib.util

    if any(importlib.util.find_spec(m) is None for m in ("onnxruntime", "onnx")):
        return None
    import numpy as np
    import onnxruntime as ort
    from onnx import TensorProto, helper

    sessions: dict[int, Any] = {}

    def make(n: int):
        if n not in sessions:
            graph = helper.make_graph(
                [helper.make_node("MatMul", ["a", "b"], ["c"])], "gemm",
                [helper.make_tensor_value_info(x, TensorProto.FLOAT, [n, n]) for x in "ab"],
                [helper.make_tensor_value_info("c", TensorProto.FLOAT, [n, n])])
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
            model.ir_version = 8
            options = ort.SessionOptions()
            options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
            sessions[n] = ort.InferenceSession(model.SerializeToString(), options,
                                               providers=["CPUExecutionProvider"])
        return (sessions[n], np.random.default_rng(n).standard_normal((n, n), np.float32))

    def op(a, b):
        return a[0].run(None, {"a": a[1], "b": b[1]})

    return make, op


def _openvino_matmul(threads: int):
    """``(make, op)`` for OpenVINO's MatMul (oneDNN's CPU GEMM) at ``threads``, fp32 as the
    openvino backend runs it (precision hint f32, one stream, latency hint), or None when it
    is not installed. oneDNN took the openvino backend to 102% of a torch.mm/MLAS peak."""
    import importlib.util

    if importlib.util.find_spec("openvino") is None:
        return None
    import numpy as np
    import openvino as ov
    from openvino import opset8 as ops

    core, compiled = ov.Core(), {}

    def make(n: int):
        if n not in compiled:
            a, b = (ops.parameter([n, n], np.float32, name=x) for x in "ab")
            model = ov.Model([ops.matmul(a, b, False, False)], [a, b], "gemm")
            compiled[n] = core.compile_model(model, "CPU", {
                "INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": "f32",
                "PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1}).create_infer_request()
        return (compiled[n], np.random.default_rng(n).standard_normal((n, n), np.float32))

    def op(a, b):
        return a[0].infer([a[1], b[1]])

    return make, op


def _best(peaks: list[MatmulPeak]) -> MatmulPeak:
    best = max(peaks, key=lambda p: p.gflops)
    if len(peaks) == 1:
        return best
    return MatmulPeak(best.dtype, best.gflops, best.by_size, best.threads,
                      "best of: " + "; ".join(p.method for p in peaks),
                      {p.method: p.gflops for p in peaks})


def measure_peaks(threads: int, min_time_s: float = 0.4) -> MachinePeaks:
    import torch

    from harness.backends.base import cpu_flags

    torch.set_num_threads(threads)
    started = time.perf_counter()
    g = torch.Generator().manual_seed(0)
    peaks, unavailable = {}, {}
    fp32 = [_peak("fp32", lambda n: torch.randn(n, n, generator=g), torch.mm, threads,
                  min_time_s, "torch.mm float32, square n×n")]
    if (ort := _ort_matmul(threads)) is not None:
        fp32.append(_peak("fp32", *ort, threads, min_time_s,
                          "onnxruntime MatMul (MLAS) float32, square n×n"))
    if (openvino := _openvino_matmul(threads)) is not None:
        fp32.append(_peak("fp32", *openvino, threads, min_time_s,
                          "openvino MatMul (oneDNN) float32, square n×n"))
    peaks["fp32"] = _best(fp32)
    if cpu_flags() & {"avx512_bf16", "amx_bf16"}:
        peaks["bf16"] = _peak(
            "bf16", lambda n: torch.randn(n, n, generator=g).to(torch.bfloat16), torch.mm,
            threads, min_time_s, "torch.mm bfloat16, square n×n")
    else:
        unavailable["bf16"] = "no avx512_bf16/amx_bf16"
    try:
        peaks["int8"] = _peak(
            "int8", lambda n: torch.randint(-128, 128, (n, n), generator=g, dtype=torch.int8),
            torch._int_mm, threads, min_time_s, "torch._int_mm int8×int8→int32, square n×n")
    except RuntimeError as exc:  # no CPU int8 GEMM in this build
        unavailable["int8"] = str(exc).splitlines()[0]
    return MachinePeaks(threads, peaks, round(time.perf_counter() - started, 2), unavailable)


def peaks_for_job(threads: int) -> tuple[MachinePeaks, str]:
    """The run's measurement when the runner made one for these threads, else measure now."""
    path = os.environ.get(PEAK_ENV)
    if path and Path(path).is_file():
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("threads") == threads:
            return MachinePeaks.from_dict(data), f"measured once for the run ({Path(path).name})"
    return measure_peaks(threads), "measured in this job"


def main(argv: list[str] | None = None) -> int:
    from harness.lifecycle import die_with_parent

    die_with_parent()
    parser = argparse.ArgumentParser(description="measure attainable GEMM throughput")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from harness.records.atomic import atomic_write_json

    atomic_write_json(args.out, measure_peaks(args.threads).to_dict())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def achieved_gflops(flops: float, p50_ms: float) -> float:
    return flops / (p50_ms / 1e3) / 1e9


OVER_PEAK = "over the probed peak"


def peak_share(pct_of_peak: float | None) -> float | str | None:
    """``% peak`` as reports show it: above 100 the measured peak is not this backend's
    ceiling (its GEMM library outran every probed one), so no share is printed."""
    if pct_of_peak is not None and pct_of_peak > 100:
        return f"{OVER_PEAK} ({pct_of_peak:.0f}%): its GEMM library was not probed"
    return pct_of_peak


def roofline_fields(flops: int, p50_ms: float, peak_gflops: float | None) -> dict[str, Any]:
    achieved = achieved_gflops(flops, p50_ms)
    return {
        "flops": flops,
        "achieved_gflops": round(achieved, 2),
        "pct_of_peak": None if not peak_gflops else round(100 * achieved / peak_gflops, 1),
    }
