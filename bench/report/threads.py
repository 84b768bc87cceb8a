"""Each model and backend at every thread count timed on one machine, side by side.

A phone's big core is closer to one x86 core than to two, so the 1-thread figure is the
nearer proxy for on-device latency; the ratio shows how much a model gains from a second
core (small GEMMs and element-wise kernels gain less). Sections of the leaderboard stay one
thread count each; this table is the one place they meet, and only on the same hardware.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from bench.report import select
from suites.backends import backend_of
from suites.records.roles import LATENCY
from suites.records.schema import JobResult

POINTS = ((1, 128), (8, 128))


def threads_table(results: list[JobResult], fingerprint: str) -> pd.DataFrame:
    """Rows (model, backend): p50 ms per thread count at ``POINTS`` on hardware
    ``fingerprint``, and the speed-up of the most threads over one; empty unless at least
    two thread counts were timed there (the newest result per job counts)."""
    p50: dict[tuple[str, str], dict[tuple[int, tuple], float]] = defaultdict(dict)
    timed = [r for r in select.measuring(sorted(results, key=lambda r: r.finished_at), LATENCY)
             if r.hardware_fingerprint == fingerprint]
    counts = sorted({int(r.config.get("threads")) for r in timed})
    if len(counts) < 2:
        return pd.DataFrame()
    for r in timed:
        for p in r.metrics.get("points", []):
            point = (p["batch_size"], p["seq_len"])
            if point in POINTS:
                p50[(r.model.name, backend_of(r))][(int(r.config["threads"]), point)] = \
                    p["p50_ms"]
    rows = []
    for (model, backend), values in sorted(p50.items()):
        row = {"model": model, "backend": backend}
        for b, s in POINTS:
            for t in counts:
                row[f"p50 ms b{b}/s{s} {t}t"] = _round(values.get((t, (b, s))))
            one, most = values.get((1, (b, s))), values.get((counts[-1], (b, s)))
            row[f"{counts[-1]}t vs 1t b{b}/s{s}"] = (round(one / most, 2) if one and most
                                                     and 1 in counts else None)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.dropna(axis=1, how="all")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
