"""The static suite's metric record: the architecture, counted from the built model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from harness.records.metrics import MetricsRecord
from harness.records.shapes import Obj


@dataclass(kw_only=True)
class StaticMetrics(MetricsRecord):
    parameters: int
    embedding_parameters: int
    declared_parameters: int | None = None
    matches_declared: bool | None = None
    fp32_mib: float
    safetensors_mib: float | None = None
    checkpoint_mib: float | None = None
    flops_per_forward: dict[str, int]  # sequence length (as text) → FLOPs of one forward
    flops_skipped: list[Any] = field(default_factory=list)
    flops_batch_size: int = 1
    flops_counted: str | None = None  # how FLOPs were counted

    shapes: ClassVar[dict[str, Any]] = {"flops_per_forward": Obj(each=int)}
