"""The memory suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from harness.records.metrics import PointsRecord


@dataclass(kw_only=True)
class MemoryMetrics(PointsRecord):
    """``points``: peak RSS per (batch, seq), each from its own probe process."""

    all_agree_with_external: bool | None = None  # psutil and VmHWM agree on every point
    external_tolerance: float | None = None

    point_fields: ClassVar[dict[str, Any]] = {
        "batch_size": int, "seq_len": int,
        **dict.fromkeys(("peak_forward_mib", "peak_forward_sampled_mib",
                         "rss_after_imports_mib", "rss_after_load_mib", "delta_load_mib",
                         "delta_forward_mib", "external_maxrss_mib", "peak_vs_external"),
                        float)}
    optional_point_fields: ClassVar[dict[str, Any]] = {"rss_after_prepare_mib": float}
    non_negative: ClassVar[bool] = False  # a Δ of resident memory can be below zero
