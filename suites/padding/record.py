"""The padding suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.records.metrics import MetricsRecord


@dataclass(kw_only=True)
class PaddingMetrics(MetricsRecord):
    sets: dict[str, dict[str, Any]]  # per token-length distribution: each strategy's cost
    batch_size: int
    tokenizer: Any  # where the tokenizer came from
    backend: str
    inputs: str
