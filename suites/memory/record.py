"""The memory suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from suites.records.metrics import PointsRecord


@dataclass(kw_only=True)
class MemoryMetrics(PointsRecord):
    """``points``: peak RSS per (batch, seq), each from its own probe process."""

    all_agree_with_external: bool | None = None  # psutil and VmHWM agree on every point
    external_tolerance: float | None = None

    point_fields: ClassVar[dict[str, Any]] = {"batch_size": int, "seq_len": int,
                                              "peak_forward_mib": float}
