"""The latency suite's metric record: what ``metrics`` of a latency result holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from suites.records.metrics import PointsRecord


@dataclass(kw_only=True)
class LatencyMetrics(PointsRecord):
    """``points``: one timing record per (batch, seq) (``suite.point_record`` plus the
    roofline fields); the rest says what ran and against which peak."""

    backend: str | None = None  # absent before the backend axis: the reference
    precision: str | None = None  # fp32 / bf16 / int8; None for the TF-IDF baseline
    prepare_s: float | None = None  # conversion or compilation, paid once
    parity: dict[str, Any] | None = None  # the parity gate of a non-reference backend
    machine_peak: dict[str, Any] | None = None  # measured GEMM peaks the % peak refers to
    peak_gflops_used: float | None = None
    interleaving: dict[str, Any] | None = None  # group, entries, plan, A/A control
    tfidf_features: int | None = None  # the TF-IDF baseline's vocabulary size

    point_fields: ClassVar[dict[str, Any]] = {
        "batch_size": int, "seq_len": int, "n": int,
        **dict.fromkeys(("p50_ms", "p90_ms", "p99_ms", "mean_ms", "min_ms", "max_ms",
                         "ms_per_sample", "samples_per_s"), float)}
    optional_point_fields: ClassVar[dict[str, Any]] = {
        "samples_ms": list[float], "first_call_ms": float, "achieved_gflops": float,
        "pct_of_peak": float, "flops": int, "noise_pct": float, "disturbed": bool}
