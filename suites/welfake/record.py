"""The WELFake in-domain suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from suites.records.metrics import MetricsRecord


@dataclass(kw_only=True)
class WelfakeMetrics(MetricsRecord):
    data: dict[str, Any]  # splits, fingerprints
    budget: dict[str, Any]
    training: dict[str, Any]
    test: dict[str, Any]  # the test split's accuracy, F1, CIs, ECE, predictions
    finetuned_dir: str | None = None
