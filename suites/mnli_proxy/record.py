"""The MNLI proxy suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from harness.records.metrics import MetricsRecord
from harness.records.shapes import EVALUATION, Obj


@dataclass(kw_only=True)
class MnliMetrics(MetricsRecord):
    checkpoint_origin: str  # the hub checkpoint's, or fine-tuned-here
    label_mapping: dict[str, Any]
    protocol: str  # full / proxy-slice
    splits: dict[str, dict[str, Any]]  # per validation split: accuracy, CIs, data, …
    training: dict[str, Any] | None = None  # when fine-tuned here

    shapes: ClassVar[dict[str, Any]] = {
        "splits": Obj({"validation_matched": EVALUATION, "validation_mismatched": EVALUATION},
                      each=EVALUATION),
        "label_mapping": Obj({"decided_by": str})}
