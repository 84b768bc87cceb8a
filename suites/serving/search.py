"""The Server scenario's answer: the highest Poisson arrival rate whose LoadGen run is VALID
with p99 at or under the bound, found by a bounded search.

Bracket first (up by ``growth`` from a valid start, down by half from an invalid one), then
bisect geometrically until the highest valid and lowest invalid rates are within
``precision`` of each other. Every probe is kept: the bracket is the figure's resolution,
and the probes are the QPS-versus-p99 curve.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Probe:
    """One Server run at ``qps``: LoadGen's verdict and figures."""

    qps: float
    valid: bool
    p99_ms: float | None
    completed_qps: float | None
    why_invalid: str = ""  # the parts of LoadGen's verdict that failed
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"qps": round(self.qps, 3), "valid": self.valid, "p99_ms": self.p99_ms,
                "completed_qps": self.completed_qps, "why_invalid": self.why_invalid,
                **self.details}


@dataclass
class SearchPlan:
    precision: float = 0.04  # stop when highest-invalid / highest-valid ≤ 1 + precision
    growth: float = 1.3  # up from a valid rate while none above has failed
    shrink: float = 0.6  # down from an invalid rate while none below has passed
    floor_qps: float = 0.5  # below this, there is no valid rate worth serving
    max_probes: int = 10
    # Stop bisecting once the probes took this long (None: no limit); the bracket left is
    # the figure's resolution, and the record says the search stopped on time.
    max_seconds: float | None = None


@dataclass
class Search:
    """The probes, and the bracket they leave: ``best`` valid, ``above`` the lowest invalid."""

    probes: list[Probe] = field(default_factory=list)
    stopped: str = ""  # why the search ended

    @property
    def best(self) -> Probe | None:
        valid = [p for p in self.probes if p.valid]
        return max(valid, key=lambda p: p.qps) if valid else None

    @property
    def above(self) -> float | None:
        best = self.best
        invalid = [p.qps for p in self.probes if not p.valid
                   and (best is None or p.qps > best.qps)]
        return min(invalid) if invalid else None

    @property
    def qps(self) -> float | None:
        return self.best.qps if self.best else None

    def to_dict(self) -> dict[str, Any]:
        return {"qps": None if self.qps is None else round(self.qps, 3),
                "above": None if self.above is None else round(self.above, 3),
                "stopped": self.stopped, "probes": [p.to_dict() for p in self.probes]}


def search_qps(probe: Callable[[float], Probe], start: float, plan: SearchPlan, *,
               challenge: bool = False) -> Search:
    """Search from ``start`` (> 0). ``challenge``: ``start`` is a rate another layout already
    sustains; if this one fails there, stop (it is not better) instead of searching down."""
    if not start > 0 or not math.isfinite(start):
        raise ValueError(f"the search must start at a positive rate, not {start}")
    search = Search()
    started = time.monotonic()

    def out_of_time() -> bool:
        return plan.max_seconds is not None and time.monotonic() - started > plan.max_seconds

    def run(qps: float) -> Probe:
        result = probe(qps)
        search.probes.append(result)
        return result

    first = run(start)
    if not first.valid and challenge:
        search.stopped = f"invalid at {start:.3g} QPS, the rate to beat"
        return search
    # Bracket.
    while len(search.probes) < plan.max_probes and not out_of_time():
        if search.best is None:
            lowest = min(p.qps for p in search.probes)
            qps = lowest * plan.shrink
            if qps < plan.floor_qps:
                search.stopped = (f"no valid rate down to {plan.floor_qps:g} QPS "
                                  f"(last probe {lowest:.3g})")
                return search
        elif search.above is None:
            qps = search.best.qps * plan.growth
        else:
            break
        run(qps)
    # Bisect.
    while len(search.probes) < plan.max_probes and not out_of_time():
        low, high = search.qps, search.above
        if low is None or high is None or high / low <= 1 + plan.precision:
            break
        run(math.sqrt(low * high))
    low, high = search.qps, search.above
    if low is not None and high is not None and high / low <= 1 + plan.precision:
        search.stopped = f"bracket within {100 * plan.precision:g}%"
    elif not search.stopped:
        search.stopped = (f"time cap ({plan.max_seconds:g} s) reached" if out_of_time()
                          else f"probe cap ({plan.max_probes}) reached")
    return search
