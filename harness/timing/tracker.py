"""Latency measurement: the timing loop and a statistics record that renders itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

import numpy as np


def time_calls(
    fn: Callable[[], object],
    *,
    warmup: int,
    min_repeats: int,
    min_time_s: float,
    max_repeats: int = 10_000,
) -> list[float]:
    """Seconds per call, after ``warmup`` calls, until both a minimum count and time are reached."""
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < max_repeats and (
        len(samples) < min_repeats or time.perf_counter() - started < min_time_s
    ):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


# Warm-up ends when the last WARMUP_WINDOW calls agree within WARMUP_TOLERANCE of their
# median (caches, allocator and thread pools have settled), or once at least the configured
# calls took WARMUP_MAX_S in all (a slow point is steady after its first call or two).
WARMUP_WINDOW = 3
WARMUP_TOLERANCE = 0.05
WARMUP_MAX_S = 1.0
WARMUP_MAX_CALLS = 50


def warm_up(fn: Callable[[], object], *, min_calls: int) -> list[float]:
    """Seconds of each warm-up call: at least ``min_calls``, then until the timing is
    stable (see ``WARMUP_*``), never past ``WARMUP_MAX_CALLS``."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < WARMUP_MAX_CALLS:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) < min_calls:
            continue
        last = times[-WARMUP_WINDOW:]
        if len(last) == WARMUP_WINDOW:
            middle = float(np.median(last))
            if all(abs(t - middle) <= WARMUP_TOLERANCE * middle for t in last):
                break
        if time.perf_counter() - started >= WARMUP_MAX_S:
            break
    return times


@dataclass(frozen=True)
class LatencyStats:
    """One (batch, seq) point. Throughput figures derive from the median, not the mean."""

    batch_size: int
    seq_len: int
    n: int
    warmup: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    std_ms: float
    min_ms: float
    max_ms: float
    ms_per_sample: float
    samples_per_s: float
    samples_ms: list[float]

    @classmethod
    def from_samples(
        cls, batch_size: int, seq_len: int, samples_s: list[float], warmup: int
    ) -> LatencyStats:
        if not samples_s:
            raise ValueError("no latency samples")
        ms = np.asarray(samples_s) * 1e3
        p50, p90, p99 = (float(v) for v in np.percentile(ms, [50, 90, 99]))
        return cls(
            batch_size=batch_size,
            seq_len=seq_len,
            n=len(ms),
            warmup=warmup,
            p50_ms=p50,
            p90_ms=p90,
            p99_ms=p99,
            mean_ms=float(ms.mean()),
            std_ms=float(ms.std(ddof=1)) if len(ms) > 1 else 0.0,
            min_ms=float(ms.min()),
            max_ms=float(ms.max()),
            ms_per_sample=p50 / batch_size,
            samples_per_s=1e3 * batch_size / p50,
            samples_ms=[round(float(v), 4) for v in ms],
        )

    @classmethod
    def from_dict(cls, data: dict) -> LatencyStats:
        """From a stored point, which carries more than the statistics."""
        return cls(**{f.name: data[f.name] for f in fields(cls)})

    def to_dict(self) -> dict:
        return asdict(self)

    def row(self) -> dict[str, float | int]:
        """The leaderboard columns (raw samples stay in the JSON)."""
        return {
            "batch": self.batch_size,
            "seq": self.seq_len,
            "n": self.n,
            "p50 ms": round(self.p50_ms, 2),
            "p90 ms": round(self.p90_ms, 2),
            "p99 ms": round(self.p99_ms, 2),
            "mean ms": round(self.mean_ms, 2),
            "std ms": round(self.std_ms, 2),
            "ms/sample": round(self.ms_per_sample, 3),
            "samples/s": round(self.samples_per_s, 1),
        }
