"""The SQuAD suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.records.metrics import MetricsRecord


@dataclass(kw_only=True)
class SquadMetrics(MetricsRecord):
    protocol: str  # full / proxy-slice
    windowing: dict[str, Any]  # max_length, doc_stride, n_best, max_answer_length
    # Per SQuAD version: status ok (checkpoint, weights, data, scores, latency, training) or
    # skipped / failed (reason).
    versions: dict[str, dict[str, Any]]
