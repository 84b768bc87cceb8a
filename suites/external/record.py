"""The external generalization suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from suites.records.metrics import MetricsRecord


@dataclass(kw_only=True)
class ExternalMetrics(MetricsRecord):
    finetuned_dir: str | None
    in_domain_accuracy: float | None = None
    in_domain_data: dict[str, Any] | None = None
    sets: dict[str, dict[str, Any]]  # per external set: accuracy, gap, mistakes, …
