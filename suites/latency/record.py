"""The latency suite's metric record: what ``metrics`` of a latency result holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from harness.records.metrics import TimedPointsRecord
from harness.records.shapes import Obj


@dataclass(kw_only=True)
class LatencyMetrics(TimedPointsRecord):
    """``points``: one timing record per (batch, seq) (``suite.point_record`` plus the
    roofline fields); the rest says what ran and against which peak."""

    tfidf_features: int | None = None  # the TF-IDF baseline's vocabulary size

    point_fields: ClassVar[dict[str, Any]] = {
        "batch_size": int, "seq_len": int, "n": int, "warmup": int, "samples_ms": list[float],
        **dict.fromkeys(("p50_ms", "p90_ms", "p99_ms", "mean_ms", "std_ms", "min_ms",
                         "max_ms", "ms_per_sample", "samples_per_s"), float)}
    optional_point_fields: ClassVar[dict[str, Any]] = {  # null where not measured
        "round_calls": list[int], "first_call_ms": float | None,
        "achieved_gflops": float | None, "pct_of_peak": float | None, "flops": int | None,
        "noise_pct": float | None, "disturbed": bool | None,
        "rounds_stop": Obj({"stopped": str, "widest_ci_pct?": float | None,
                            "target_ci_pct?": float | None}, nullable=True)}
    shapes: ClassVar[dict[str, Any]] = {
        "parity": Obj({"passed": bool, "reason": str, "agreement": float,
                       "max_abs_logit_diff": float,
                       "real_model?": Obj({"checked?": bool, "agreement?": float},
                                          nullable=True)}),
        "machine_peak": Obj({"threads": int, "peaks": Obj(each=Obj({"gflops": float}))}),
        "interleaving": Obj({"group": str, "control?": Obj(
            {"entry": str, "points": Obj(each=Obj({"value": float, "low": float,
                                                   "high": float}))}, nullable=True)}),
    }
