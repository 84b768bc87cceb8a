"""The serving suite's metric record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from harness.records.metrics import MetricsRecord
from harness.records.shapes import Obj


@dataclass(kw_only=True)
class ServingMetrics(MetricsRecord):
    backend: str
    precision: str
    parity: dict[str, Any] | None
    requests: dict[str, Any]  # the request set: source, fingerprints, token lengths
    latency_bound_ms: float
    run_lengths: dict[str, Any]  # LoadGen minimums used, and whether they are MLPerf's
    batching: dict[str, Any]
    single_stream: dict[str, Any]
    layouts: list[dict[str, Any]]  # per layout: its Offline run and its Server search
    server: dict[str, Any]  # the best layout's QPS at the bound, its repeats and margin
    offline: dict[str, Any]  # the best Offline run of any layout
    cold_start: dict[str, Any] | None
    accuracy: dict[str, Any] | None = None
    loadgen: dict[str, Any] = field(default_factory=dict)  # version; reported runs' logs
    machine: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    shapes: ClassVar[dict[str, Any]] = {
        "single_stream": Obj({"valid": bool, "latency_ms": dict}),
        "server": Obj({"qps": float | None, "layout": str | None, "repeats": list,
                       "curve": list}),
        "offline": Obj({"valid": bool, "samples_per_s": float | None}),
    }
