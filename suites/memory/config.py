"""The memory suite's config and the line its probe reports on: read by both the suite (in
the small launching process) and the probe (in the measured one)."""

from __future__ import annotations

from dataclasses import dataclass

from harness.suite import SweepConfig

RESULT_PREFIX = "MEMORY_PROBE_RESULT "


@dataclass(frozen=True, kw_only=True)
class MemoryConfig(SweepConfig):
    forward_passes: int = 2
    sample_interval_ms: float = 5.0
