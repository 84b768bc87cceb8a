"""Was the machine quiet while we timed? Other processes' CPU use, hypervisor steal time and
the CPU clock, read around every timed measurement (and, where RAPL exists, the energy used).

The machine lock keeps other bench jobs away, but not a browser, a build or a noisy VM
neighbour. A timing taken beside one is repeated; if it stays disturbed it is stored flagged
``disturbed`` with the figures, never as clean (see the developers' guide: a result measured
on a disturbed machine is repeated or flagged).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

# Thresholds, averaged over one measurement, in cores (1.0 = one core fully busy). An idle
# 2-core VM here reads about 0.01 other; a second bench-sized process reads 1-2.
MAX_OTHER_CORES = 0.15
MAX_STEAL_CORES = 0.10
MAX_ATTEMPTS = 3  # the first try and up to two repeats

T = TypeVar("T")


@dataclass(frozen=True)
class MachineActivity:
    """What the rest of the machine did during one measurement."""

    wall_s: float
    other_cpu_cores: float  # CPU time of every other process / wall time
    steal_cores: float  # time the hypervisor gave our vCPUs to someone else / wall time
    cpu_mhz_start: float | None
    cpu_mhz_end: float | None
    energy_uj: dict[str, int] | None = None  # per RAPL zone (harness.timing.energy); None: none

    @property
    def disturbed(self) -> bool:
        return self.other_cpu_cores > MAX_OTHER_CORES or self.steal_cores > MAX_STEAL_CORES

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "disturbed": self.disturbed,
                "thresholds": {"other_cpu_cores": MAX_OTHER_CORES,
                               "steal_cores": MAX_STEAL_CORES}}


def _busy_s(times: Any) -> float:
    """Seconds the CPUs were busy (not idle, not waiting for I/O), steal excluded."""
    return sum(getattr(times, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq"))


def _own_s(process: Any) -> float:
    times = process.cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def _mhz() -> float | None:
    import psutil

    try:
        freq = psutil.cpu_freq()
    except (OSError, NotImplementedError):
        return None
    return round(freq.current, 1) if freq and freq.current else None


def watched(measure: Callable[[], T]) -> tuple[T, MachineActivity]:
    """Run ``measure`` once, reading the machine's CPU accounting before and after."""
    import psutil

    from harness.timing import energy

    me = psutil.Process()
    mhz_start = _mhz()
    system, own, t0 = psutil.cpu_times(), _own_s(me), time.monotonic()
    joules_start = energy.read()
    value = measure()
    joules_end = energy.read()
    wall = time.monotonic() - t0
    system_end, own_end = psutil.cpu_times(), _own_s(me)
    other = max(0.0, (_busy_s(system_end) - _busy_s(system)) - (own_end - own))
    steal = max(0.0, getattr(system_end, "steal", 0.0) - getattr(system, "steal", 0.0))
    return value, MachineActivity(
        wall_s=round(wall, 3),
        other_cpu_cores=round(other / wall, 3) if wall > 0 else 0.0,
        steal_cores=round(steal / wall, 3) if wall > 0 else 0.0,
        cpu_mhz_start=mhz_start, cpu_mhz_end=_mhz(),
        energy_uj=(energy.used_uj(joules_start, joules_end)
                   if joules_start is not None and joules_end is not None else None),
    )


def measure_undisturbed(measure: Callable[[], T],
                        on_retry: Callable[[MachineActivity], None] | None = None,
                        ) -> tuple[T, dict[str, Any]]:
    """``measure`` repeated while the machine was busy with something else, up to
    ``MAX_ATTEMPTS`` times; the last value and the record of every attempt. The record's
    ``disturbed`` is true when even the last attempt was."""
    attempts = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        value, activity = watched(measure)
        attempts.append(activity)
        if not activity.disturbed or attempt == MAX_ATTEMPTS:
            break
        if on_retry:
            on_retry(activity)
    last = attempts[-1]
    repeated = [{"wall_s": a.wall_s, "other_cpu_cores": a.other_cpu_cores,
                 "steal_cores": a.steal_cores} for a in attempts[:-1]]
    return value, {**last.to_dict(), "attempts": len(attempts), "repeated": repeated}


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One point's machine record from its rounds' records (``measure_undisturbed``): the
    worst figures, how many bursts were timed again, and how many stayed disturbed."""
    if not records:
        return {"disturbed": False, "rounds": 0}
    mhz = [m[k] for m in records for k in ("cpu_mhz_start", "cpu_mhz_end") if m.get(k)]
    disturbed = [m for m in records if m["disturbed"]]
    return {
        "disturbed": bool(disturbed),
        "rounds": len(records),
        "disturbed_rounds": len(disturbed),
        "repeated_bursts": sum(m["attempts"] - 1 for m in records),
        "other_cpu_cores": max(m["other_cpu_cores"] for m in records),
        "steal_cores": max(m["steal_cores"] for m in records),
        "cpu_mhz_range": [min(mhz), max(mhz)] if mhz else None,
        "thresholds": records[0]["thresholds"],
    }
