"""How far this section's timings could move by chance: the runs' own noise floor, and
ratios shown with their confidence intervals.

Every interleaved latency group times its cheapest entry twice, as two entries (the A/A
control, ``suites.latency.suite``): its ratio to itself is 1 by construction, so its
distance from 1 and its CI are what the rounds alone do to a ratio. Every point also records
the 95% CI half-width of its level across its rounds (``noise_pct``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bench.report import select
from bench.report.markdown_tables import md_text
from harness.ratios import PAIRED_METHOD, UNPAIRED_METHOD, Ratio
from harness.records.roles import LATENCY
from harness.records.schema import JobResult

CI_BOUNDS = ("low", "high")


def ci_columns(column: str, ratio: Ratio | None) -> dict[str, float | None]:
    """A ratio as three numeric columns: ``column`` and its 95% CI ``column low/high``
    (CSV and JSON keep numbers; the markdown shows them as one cell, ``with_ci``)."""
    if ratio is None:
        return {column: None, **{f"{column} {b}": None for b in CI_BOUNDS}}
    return {column: round(ratio.value, 2), f"{column} low": round(ratio.low, 2),
            f"{column} high": round(ratio.high, 2)}


def with_ci(frame: pd.DataFrame) -> pd.DataFrame:
    """Every ``C`` that has ``C low`` and ``C high`` columns shown as ``3.41 (3.35–3.47)``."""
    frame = frame.copy()
    for column in [c for c in frame.columns
                   if all(f"{c} {b}" in frame.columns for b in CI_BOUNDS)]:
        low, high = frame[f"{column} low"], frame[f"{column} high"]
        frame[column] = [
            None if pd.isna(v) else f"{v:.2f}" if pd.isna(lo) else f"{v:.2f} ({lo:.2f}–{hi:.2f})"
            for v, lo, hi in zip(frame[column], low, high, strict=True)]
        frame = frame.drop(columns=[f"{column} low", f"{column} high"])
    return frame


def _latency(results: list[JobResult]) -> list[JobResult]:
    return sorted(select.measuring(results, LATENCY), key=lambda r: (r.finished_at, r.job_id))


def noise_floor(results: list[JobResult]) -> dict[str, Any] | None:
    """The A/A controls (one per interleaved group, newest first) and the spread of the
    points' own round-to-round CIs; None when no result carries either."""
    controls: dict[str, dict[str, Any]] = {}
    levels: list[float] = []
    stops: dict[tuple, dict[str, Any]] = {}  # one per group and point: entries share it
    for r in _latency(results):
        interleaving = select.timed(r).interleaving or {}
        if interleaving.get("control"):
            controls[interleaving["group"]] = {"run": r.run_id, **interleaving["control"]}
        for p in select.points(r):
            if p.get("noise_pct") is not None:
                levels.append(p["noise_pct"])
            if p.get("rounds_stop"):
                stops[(p.get("group"), p["batch_size"], p["seq_len"])] = p["rounds_stop"]
    if not controls and not levels:
        return None
    return {
        "aa_controls": list(reversed(controls.values())),
        "level_noise_pct": (None if not levels else
                            {"median": round(float(np.median(levels)), 2),
                             "max": round(float(max(levels)), 2), "points": len(levels)}),
        "rounds_stop": _stop_counts(list(stops.values())),
    }


def _stop_counts(stops: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Why the timed points' rounds ended: how many per reason, and the widest ratio CI
    each reason left (a point that hit a cap did not reach the target)."""
    if not stops:
        return None
    out: dict[str, Any] = {}
    for stop in stops:
        entry = out.setdefault(stop["stopped"], {"points": 0, "widest_ci_pct": None})
        entry["points"] += 1
        if stop.get("widest_ci_pct") is not None:
            entry["widest_ci_pct"] = max(entry["widest_ci_pct"] or 0.0, stop["widest_ci_pct"])
    targets = {s["target_ci_pct"] for s in stops if s.get("target_ci_pct") is not None}
    return {"target_ci_pct": sorted(targets), "by_reason": dict(sorted(out.items()))}


def _stops_text(summary: dict[str, Any]) -> str:
    total = sum(e["points"] for e in summary["by_reason"].values())
    parts = [f"{reason}: {e['points']}" + ("" if e["widest_ci_pct"] is None else
                                           f" (widest ±{e['widest_ci_pct']:.2f}%)")
             for reason, e in summary["by_reason"].items()]
    target = "/".join(f"±{t:g}%" for t in summary["target_ci_pct"]) or "none"
    return (f"- Rounds per point: timed until every paired ratio's 95% CI was within the "
            f"target ({target}) or a cap was reached; of {total} interleaved points: "
            + md_text("; ".join(parts)))


def _control_text(control: dict[str, Any]) -> str:
    points = ", ".join(f"{where} {p['value']:.3f} ({p['low']:.3f}–{p['high']:.3f})"
                       for where, p in sorted(control["points"].items()))
    return md_text(f"{control['entry']} against itself in run {control['run']}: {points}")


def ratio_notes(results: list[JobResult]) -> list[str]:
    """The lines under the summary table: how its ratios were formed, and the noise floor."""
    floor = noise_floor(results)
    if floor is None:
        return []
    lines = ["`×` columns: how many times faster than the reference, with a 95% CI. Two "
             f"points timed in the same interleaved rounds are paired ({PAIRED_METHOD}); "
             f"otherwise: {UNPAIRED_METHOD}.", ""]
    if floor["aa_controls"]:
        lines.append("- Noise floor, A/A control (a model timed as two entries of the same "
                     "rounds; 1 by construction): "
                     + "; ".join(_control_text(c) for c in floor["aa_controls"][:3]))
    if floor["level_noise_pct"]:
        level = floor["level_noise_pct"]
        lines.append(f"- A point's p50 across its rounds (95% CI half-width): median "
                     f"±{level['median']:.2f}%, max ±{level['max']:.2f}% over "
                     f"{level['points']} points")
    if floor.get("rounds_stop"):
        lines.append(_stops_text(floor["rounds_stop"]))
    return [*lines, ""]
