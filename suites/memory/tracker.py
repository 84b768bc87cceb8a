"""Resident-memory readings: sampled RSS, the kernel's high-water mark, and ``ru_maxrss``.

``ru_maxrss`` survives fork and exec on Linux, so a probe started from a big parent would
inherit the parent's peak; the forward-pass peak therefore comes from ``VmHWM`` after a reset
through ``/proc/self/clear_refs`` (exact, kernel-kept), cross-checked by a ≤ 10 ms sampler.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from pathlib import Path

import psutil

MIB = 2**20


def rss_mib() -> float:
    return psutil.Process().memory_info().rss / MIB


def ru_maxrss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return maxrss_to_mib(resource.getrusage(who).ru_maxrss)


def maxrss_to_mib(ru_maxrss: int) -> float:
    """``ru_maxrss`` is in KiB on Linux and bytes on macOS."""
    return ru_maxrss / MIB if sys.platform == "darwin" else ru_maxrss / 1024


def reset_high_water_mark() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def high_water_mark_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


class RssSampler:
    """Polls this process's RSS from a thread (torch ops release the GIL, so it keeps up)."""

    def __init__(self, interval_s: float = 0.005) -> None:
        self.interval_s = interval_s
        self.peak_mib = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._started = 0.0
        self.elapsed_s = 0.0

    def _loop(self) -> None:
        process = psutil.Process()
        while True:
            self.peak_mib = max(self.peak_mib, process.memory_info().rss / MIB)
            self.samples += 1
            if self._stop.wait(self.interval_s):
                return

    def __enter__(self) -> RssSampler:
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mib = max(self.peak_mib, rss_mib())
        self.elapsed_s = time.perf_counter() - self._started

    @property
    def mean_interval_ms(self) -> float:
        return 1e3 * self.elapsed_s / max(self.samples, 1)
