"""The external generalization suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from harness.records.metrics import MetricsRecord
from harness.records.shapes import NEWS_EVALUATION, Obj


@dataclass(kw_only=True)
class ExternalMetrics(MetricsRecord):
    finetuned_dir: str | None
    in_domain_accuracy: float | None = None
    in_domain_data: dict[str, Any] | None = None
    sets: dict[str, dict[str, Any]]  # per external set: accuracy, gap, mistakes, …

    shapes: ClassVar[dict[str, Any]] = {"sets": Obj(each=NEWS_EVALUATION)}
