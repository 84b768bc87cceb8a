"""The summary tables a hardware section opens with: every cost and accuracy figure per
model (``summary_table``: the detail page, ``summary.csv`` and ``summary.json``), and the
compact answer of at most ten columns the leaderboard leads with (``compact_table``)."""

from __future__ import annotations

import pandas as pd

from bench.report import select
from bench.report.accuracy import accuracy_columns
from bench.report.backends import BEST_BACKEND, BEST_EACH, BEST_X, best_backends, reference_points
from bench.report.noise import CI_BOUNDS, ci_columns, with_ci
from harness.backends import REFERENCE, backend_of
from harness.ratios import speed_factors, speed_ratio
from harness.records.roles import LATENCY, MEMORY
from harness.records.schema import JobResult
from models_registry import REFERENCE_MODEL

SUMMARY_POINTS = ((1, 128), (8, 128))
SUMMARY_MEMORY_POINT = (8, 512)
ACCURACY_COLUMNS = ("in-domain acc %", "external", "MNLI-m %", "MNLI-mm %")  # in this order
BEST_COLUMNS = (BEST_BACKEND, BEST_X, BEST_EACH, "best agree %",
                "best max |Δlogit|", "best real-model agree %")
# besides the "× vs" columns, the ratios that carry a 95% CI
CI_COLUMNS = (BEST_X, BEST_EACH)


DISTURBED_COLUMN = "disturbed timings"
# Column names both tables use: the compact one picks its columns from the full one.
PARAMS, FP32_MIB = "params (M)", "fp32 MiB"


def p50_column(batch: int, seq: int) -> str:
    return f"p50 ms b{batch}/s{seq}"


def ratio_column(batch: int, seq: int) -> str:
    return f"× vs {REFERENCE_MODEL} b{batch}/s{seq}"


def peak_column(batch: int, seq: int) -> str:
    return f"peak MiB b{batch}/s{seq}"


def summary_table(results: list[JobResult], counted: list[JobResult] = ()) -> pd.DataFrame:
    """Cost in one row per model: size, FLOPs, latency, memory, and speed-up vs BERT-base.
    A model's size and FLOPs do not depend on the machine: where ``results`` counted none,
    they come from ``counted`` (every section's results)."""
    ok = [r for r in results if r.status == "ok"]
    names = sorted({r.model.name for r in ok})
    arch = {model: a for model, (_, a) in select.architectures(
        [*sorted(counted, key=lambda r: (r.finished_at, r.job_id)), *ok]).items()}
    weights = {r.model.name: r.model.weights for r in ok if select.measures_cost(r)}
    accuracy = accuracy_columns(ok)
    accuracy_names = _accuracy_order({c for cols in accuracy.values() for c in cols})
    best = best_backends(ok)
    latency = reference_points(ok, LATENCY)
    p50 = {point: {m: pts[point]["p50_ms"] for m, pts in latency.items() if point in pts}
           for point in SUMMARY_POINTS}
    peak = {m: pts[SUMMARY_MEMORY_POINT]["peak_forward_mib"]
            for m, pts in reference_points(ok, MEMORY).items() if SUMMARY_MEMORY_POINT in pts}
    rows = []
    for name in names:
        a = arch.get(name)
        row = {
            "model": name,
            "weights": weights.get(name),
            PARAMS: round(a.parameters / 1e6, 2) if a else None,
            FP32_MIB: round(a.fp32_mib, 1) if a else None,
            "GFLOPs s128": (round(a.flops_per_forward["128"] / 1e9, 2)
                            if a and "128" in a.flops_per_forward else None),
        }
        for b, q in SUMMARY_POINTS:
            row[p50_column(b, q)] = _round(p50[(b, q)].get(name), 2)
        row[peak_column(*SUMMARY_MEMORY_POINT)] = _round(peak.get(name), 0)
        for b, q in SUMMARY_POINTS:
            ref = latency.get(REFERENCE_MODEL, {}).get((b, q))
            mine = latency.get(name, {}).get((b, q))
            ratio = speed_ratio(ref, mine) if ref and mine else None
            row.update(ci_columns(ratio_column(b, q), ratio))
            # × = FLOP × (the speed-up at equal efficiency) · efficiency × (GFLOP/s ratio)
            factors = speed_factors(ref, mine, ratio.value) if ratio else None
            row[f"FLOP × b{b}/s{q}"] = round(factors.flop_ratio, 2) if factors else None
            row[f"efficiency × b{b}/s{q}"] = (round(factors.efficiency_ratio, 2) if factors
                                              else None)
        for column in BEST_COLUMNS:
            row[column] = best.get(name, {}).get(column)
            if column in CI_COLUMNS:
                for bound in CI_BOUNDS:
                    row[f"{column} {bound}"] = best.get(name, {}).get(f"{column} {bound}")
        for column in accuracy_names:
            row[column] = accuracy.get(name, {}).get(column)
        # A timing the machine disturbed even after repeats is shown, never passed as clean.
        row[DISTURBED_COLUMN] = ", ".join(
            f"b{b}/s{q}" for b, q in SUMMARY_POINTS
            if latency.get(name, {}).get((b, q), {}).get("disturbed")) or None
        rows.append(row)
    frame = pd.DataFrame(rows)
    if not frame.empty:  # columns nobody filled are left out
        optional = (*BEST_COLUMNS, *(f"{c} {b}" for c in CI_COLUMNS for b in CI_BOUNDS),
                    *accuracy_names, DISTURBED_COLUMN,
                    *(f"{f} × b{b}/s{q}" for f in ("FLOP", "efficiency")
                      for b, q in SUMMARY_POINTS))
        frame = frame.drop(columns=[c for c in optional if frame[c].isna().all()])
    if not frame.empty and frame[PARAMS].notna().any():
        frame = frame.sort_values(PARAMS, kind="stable")
    return frame


def _accuracy_order(columns: set[str]) -> list[str]:
    """The accuracy columns in ACCURACY_COLUMNS' order (by prefix: one column per external
    set), then any other a suite feeds, by name."""
    def rank(column: str) -> tuple[int, str]:
        hit = [i for i, c in enumerate(ACCURACY_COLUMNS) if column.startswith(c)]
        return (hit[0] if hit else len(ACCURACY_COLUMNS), column)

    return sorted(columns, key=rank)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


HEADLINE_POINT = SUMMARY_POINTS[0]  # one text of 128 tokens: what a request waits for


def _first_accuracy(frame: pd.DataFrame) -> str | None:
    """The one accuracy column the compact table keeps: the first measured, in
    ACCURACY_COLUMNS' order (the detail page has them all)."""
    present = [c for c in frame.columns if any(c.startswith(a) for a in ACCURACY_COLUMNS)]
    return _accuracy_order(set(present))[0] if present else None


def rate_cells(results: list[JobResult]) -> tuple[dict[str, dict[str, float]], list[str]]:
    """(model → ``"<rate> (<unit>)"`` → value, the conditions they hold under): each model's
    rate under its first condition by name, so one column compares like with like where the
    section measured one condition."""
    cells: dict[str, dict[str, float]] = {}
    conditions: set[str] = set()
    for r, rate in sorted(select.rates(results), key=lambda t: (t[1].name, t[1].where)):
        column = f"{rate.name} ({rate.unit})"
        if column not in cells.setdefault(r.model.name, {}):
            cells[r.model.name][column] = round(rate.value, 1)
            conditions.add(f"{rate.name}: {rate.where}")
    return cells, sorted(conditions)


def compact_table(results: list[JobResult], full: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    """At most ten columns, one row per model: size, latency for one text, × vs the
    reference model (95% CI), the best gated backend and its ×, accuracy where measured,
    peak memory, and a sustained rate where a suite measures one. Ratios are shown with
    their CI in one cell; a timing still disturbed after its repeats says so in its cell."""
    full = summary_table(results) if full is None else full
    if full.empty:
        return full
    b, q = HEADLINE_POINT
    p50, ratio = p50_column(b, q), ratio_column(b, q)
    accuracy = _first_accuracy(full)
    # With fp32 eager the only backend timed, "best backend" would only repeat it.
    others = any(backend_of(r) != REFERENCE for r in select.measuring(results, LATENCY))
    wanted = ["model", PARAMS, FP32_MIB, p50, ratio,
              *([BEST_BACKEND, BEST_X] if others else []),
              *([accuracy] if accuracy else []), peak_column(*SUMMARY_MEMORY_POINT)]
    keep = [c for c in wanted if c in full.columns]
    keep += [f"{c} {bound}" for c in (ratio, BEST_X) if c in keep
             for bound in CI_BOUNDS if f"{c} {bound}" in full.columns]
    frame = with_ci(full[keep].copy())
    if DISTURBED_COLUMN in full.columns:
        flagged = full[DISTURBED_COLUMN].fillna("").str.contains(f"b{b}/s{q}", regex=False)
        frame[p50] = [f"{v} (disturbed)" if hit and pd.notna(v) else v
                      for v, hit in zip(frame[p50], flagged, strict=True)]
    cells, _ = rate_cells(results)
    for column in sorted({c for row in cells.values() for c in row})[:1]:
        frame[column] = [cells.get(m, {}).get(column) for m in frame["model"]]
    frame = frame.drop(columns=[c for c in frame.columns if frame[c].isna().all()])
    return frame[[c for c in frame.columns][:10]]
