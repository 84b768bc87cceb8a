"""Each model and backend at every thread count timed on one machine, side by side.

A phone's big core is closer to one x86 core than to two, so the 1-thread figure is the
nearer proxy for on-device latency. Sections of the leaderboard stay one thread count each;
this table is the one place they meet, and only on the same hardware. Each thread count is a
separate run (``--threads``), so no ratio between them is printed: a ratio across runs carries
the machine's drift between them (this VM moved a p50 by up to 25% between runs), which the
suite's paired ratios exist to avoid. ``threads_note`` says which runs and when.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from bench.report import select
from bench.report.markdown_tables import md_text
from harness.backends import backend_of
from harness.records.roles import LATENCY
from harness.records.schema import JobResult

POINTS = ((1, 128), (8, 128))


def threads_table(results: list[JobResult], fingerprint: str) -> pd.DataFrame:
    """Rows (model, backend): p50 ms per thread count at ``POINTS`` on hardware
    ``fingerprint``; empty unless at least two thread counts were timed there (the newest
    result per job counts)."""
    p50: dict[tuple[str, str], dict[tuple[int, tuple], float]] = defaultdict(dict)
    timed = [r for r in select.measuring(sorted(results, key=lambda r: r.finished_at), LATENCY)
             if r.hardware_fingerprint == fingerprint]
    counts = sorted({int(r.config.get("threads")) for r in timed})
    if len(counts) < 2:
        return pd.DataFrame()
    for r in timed:
        for p in select.points(r):
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
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.dropna(axis=1, how="all")


def threads_note(results: list[JobResult], fingerprint: str) -> str:
    """Which runs each thread count's figures come from, and when (they are separate)."""
    by_threads: dict[int, set[str]] = defaultdict(set)
    for r in select.measuring(results, LATENCY):
        if r.hardware_fingerprint == fingerprint:
            by_threads[int(r.config["threads"])].add(f"{r.run_id} ({r.finished_at[:10]})")
    parts = [f"{t} thread{'s' if t > 1 else ''}: {', '.join(sorted(runs))}"
             for t, runs in sorted(by_threads.items())]
    return ("Each thread count comes from separate runs (" + md_text("; ".join(parts))
            + "), so read "
            "the columns as levels, not as a ratio: between runs this machine drifts.")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
