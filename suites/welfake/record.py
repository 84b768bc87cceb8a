"""The WELFake in-domain suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from harness.records.metrics import MetricsRecord
from harness.records.shapes import NEWS_EVALUATION, Obj


@dataclass(kw_only=True)
class WelfakeMetrics(MetricsRecord):
    data: dict[str, Any]  # splits, fingerprints
    budget: dict[str, Any]
    training: dict[str, Any]
    test: dict[str, Any]  # the test split's accuracy, F1, CIs, ECE, predictions
    finetuned_dir: str | None = None

    shapes: ClassVar[dict[str, Any]] = {"test": NEWS_EVALUATION,
                                        "data": Obj({"train": Obj({"rows": int})})}
