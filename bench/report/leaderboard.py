"""Render ``results/leaderboard.md`` from stored results: one section per hardware fingerprint.

Latencies from different hardware never share a table; the same runs always render the
same file (no wall-clock time is written, only the runs' own timestamps).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pandas as pd

from bench.report import select
from bench.report.accuracy import accuracy_columns, error_analysis, mcnemar_table
from bench.report.backends import (
    BACKEND_POINT,
    BEST_BACKEND,
    BEST_EACH,
    BEST_X,
    accuracy_delta_table,
    backend_table,
    best_backends,
    machine_peak_line,
    reference_points,
)
from bench.report.figures import Plot
from bench.report.markdown_tables import markdown_table, md_code, md_text
from bench.report.noise import CI_BOUNDS, ci_columns, ratio_notes, with_ci
from bench.report.plots import write_plots
from bench.report.threads import threads_note, threads_table
from bench.run.store import iter_results
from harness.backends import REFERENCE as REFERENCE_BACKEND
from harness.backends import backend_of
from harness.environment import describe_hardware
from harness.ratios import speed_factors, speed_ratio
from harness.records.atomic import atomic_write_text
from harness.records.paths import safe_name
from harness.records.roles import LATENCY, MEMORY
from harness.records.schema import JobResult
from models_registry import REFERENCE_MODEL
from suites import SUITES

SUMMARY_POINTS = ((1, 128), (8, 128))
SUMMARY_MEMORY_POINT = (8, 512)
ACCURACY_COLUMNS = ("in-domain acc %", "external", "MNLI-m %", "MNLI-mm %")  # in this order
BEST_COLUMNS = (BEST_BACKEND, BEST_X, BEST_EACH, "best agree %",
                "best max |Δlogit|", "best real-model agree %")
# besides the "× vs" columns, the ratios that carry a 95% CI
CI_COLUMNS = (BEST_X, BEST_EACH)


def on_ray(results: list[JobResult]) -> str:
    """Which of a section's runs ran on a Ray cluster: its node's own processes share the
    cores, so their absolute latencies read a few % above a local run's."""
    runs = sorted({r.run_id for r in results if r.executor and r.executor.kind == "ray"})
    return (f"; on a Ray cluster: {md_text(', '.join(runs))} (the node's Ray processes "
            "share its cores: absolute latencies read a few % above a local run's, "
            "docs/cluster.md)") if runs else ""


def load_all(results_root: Path) -> list[JobResult]:
    """Every readable result; unreadable files are reported, not fatal."""
    return list(iter_results(results_root))


def latest_per_job(results: list[JobResult]) -> list[JobResult]:
    """The newest result per (hardware, threads, model, suite, config key)."""
    newest: dict[tuple, JobResult] = {}
    for result in sorted(results, key=lambda r: (r.finished_at, r.run_id, r.job_id)):
        key = (result.hardware_fingerprint, result.config.get("threads"), result.model.name,
               result.suite, result.job_key)
        newest[key] = result
    return list(newest.values())


def section_key(result: JobResult) -> str:
    """A section's stable name (also its plot folder): hardware fingerprint and threads."""
    return safe_name(f"{result.hardware_fingerprint}-t{result.config.get('threads')}")


def sections(results: list[JobResult]) -> dict[str, list[JobResult]]:
    """The current results, grouped by hardware fingerprint and thread count."""
    groups: dict[str, list[JobResult]] = defaultdict(list)
    for r in latest_per_job(results):
        groups[section_key(r)].append(r)
    return dict(sorted(groups.items()))


DISTURBED_COLUMN = "disturbed timings"


def summary_table(results: list[JobResult]) -> pd.DataFrame:
    """Cost in one row per model: size, FLOPs, latency, memory, and speed-up vs BERT-base."""
    ok = [r for r in results if r.status == "ok"]
    names = sorted({r.model.name for r in ok})
    arch = {model: a for model, (_, a) in select.architectures(ok).items()}
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
            "params (M)": round(a.parameters / 1e6, 2) if a else None,
            "fp32 MiB": round(a.fp32_mib, 1) if a else None,
            "GFLOPs s128": (round(a.flops_per_forward["128"] / 1e9, 2)
                            if a and "128" in a.flops_per_forward else None),
        }
        for b, q in SUMMARY_POINTS:
            row[f"p50 ms b{b}/s{q}"] = _round(p50[(b, q)].get(name), 2)
        b, q = SUMMARY_MEMORY_POINT
        row[f"peak MiB b{b}/s{q}"] = _round(peak.get(name), 0)
        for b, q in SUMMARY_POINTS:
            ref = latency.get(REFERENCE_MODEL, {}).get((b, q))
            mine = latency.get(name, {}).get((b, q))
            ratio = speed_ratio(ref, mine) if ref and mine else None
            row.update(ci_columns(f"× vs {REFERENCE_MODEL} b{b}/s{q}", ratio))
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
    if not frame.empty and frame["params (M)"].notna().any():
        frame = frame.sort_values("params (M)", kind="stable")
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


def render(results: list[JobResult], plots: dict[str, list[Plot]] | None = None,
           plots_href: str = "plots") -> str:
    """The leaderboard markdown; ``plots`` (section → figures) are embedded from
    ``plots_href/<section>/``."""
    current = latest_per_job(results)
    groups = sections(current)

    out = [
        "# Leaderboard: compact BERT-family encoders",
        "",
        "Generated by `bench publish` (or `bench leaderboard`) from `results/runs/`. Each "
        "section is one hardware fingerprint and thread count: latencies are never compared "
        "across sections. "
        "`random-init` rows measure cost only (latency and memory do not depend on weight "
        "values); they carry no accuracy. Accuracy columns come from the accuracy suites' "
        "fine-tuned or MNLI checkpoints of the same architecture; verdicts on the papers' "
        "claims are in `results/verdicts/`.",
        "",
    ]
    if not groups:
        out.append("_No results yet: run `bench run`._")
    for key, rs in groups.items():
        fingerprint, threads = rs[0].hardware_fingerprint, rs[0].config.get("threads")
        env = rs[0].environment
        runtime = next((r.runtime for r in select.measuring(rs, LATENCY) if r.runtime
                        and backend_of(r) == REFERENCE_BACKEND), {})
        runs = sorted({r.run_id for r in rs})
        shas = sorted({r.git.label for r in rs})
        out += [
            f"## Hardware {md_code(fingerprint)}, {md_text(threads)} threads",
            "",
            f"- CPU: {md_text(describe_hardware(env.__dict__))}",
            "- Software: " + md_text(
                f"Python {env.python}, torch {env.packages.get('torch')}, "
                f"transformers {env.packages.get('transformers')}; backend "
                f"{runtime.get('backend', 'n/a')}, {runtime.get('dtype', 'n/a')}, attention "
                f"{runtime.get('attn_implementation', 'n/a')}, intra/inter-op threads "
                f"{runtime.get('intra_op_threads', 'n/a')}/"
                f"{runtime.get('inter_op_threads', 'n/a')}"),
            f"- Runs: {md_text(', '.join(runs))}; code {md_text(', '.join(shas))}; finished "
            f"{md_text(max(r.finished_at for r in rs))}{on_ray(rs)}",
            *([peak] if (peak := machine_peak_line(rs)) else []),
            "",
            "### Summary",
            "",
            markdown_table(with_ci(summary_table(rs))),
            "",
            *ratio_notes(rs),
        ]
        if threads == max(int(r.config.get("threads")) for r in current
                          if r.hardware_fingerprint == fingerprint):
            by_threads = threads_table(current, fingerprint)
            if not by_threads.empty:
                out += ["### Threads (the same machine at each thread count; 1 thread is "
                        "the nearer proxy for one phone core)", "",
                        threads_note(current, fingerprint), "",
                        markdown_table(by_threads), ""]
        figures = (plots or {}).get(key) or []
        if figures:
            out += ["### Plots", ""]
            for plot in figures:
                out += [f"![{md_text(plot.alt)}]({plots_href}/{key}/{plot.filename})",
                        ""]
        for suite in SUITES.values():
            mine = [r for r in rs if r.suite == suite.name]
            if not mine:
                continue
            out += [f"### {suite.name}: {suite.description}", "",
                    markdown_table(suite.table(mine)), ""]
        backends = backend_table(rs)
        if not backends.empty:
            out += [f"### Backends at batch {BACKEND_POINT[0]}, {BACKEND_POINT[1]} tokens "
                    f"(speed-up vs fp32 eager {REFERENCE_BACKEND}; parity on a trained model "
                    "of the family; a failed gate is never ranked)", "",
                    markdown_table(with_ci(backends)), ""]
        deltas = accuracy_delta_table(rs)
        if not deltas.empty:
            out += ["### Accuracy through each backend (real fine-tuned weights, same rows)", "",
                    markdown_table(deltas), ""]
        pairs = mcnemar_table(rs)
        if not pairs.empty:
            out += ["### Pairwise McNemar tests (same rows, same data fingerprint)", "",
                    markdown_table(pairs), ""]
        mistakes = error_analysis(rs)
        if mistakes:
            out += ["### External sets: most confident mistakes", "", mistakes]
        failed = [r for r in rs if r.status != "ok"]
        if failed:
            out += ["### Failed jobs", ""]
            out += [
                f"- {md_code(r.job_id)} ({md_text(r.status)}): "
                f"{md_text(r.error.message) if r.error else ''}"
                for r in sorted(failed, key=lambda r: r.job_id)
            ]
            out.append("")
    notes = sorted({a.flops_counted for r in current if r.status == "ok"
                    and (s := select.suite_of(r)) and (a := s.architecture(r))} - {None})
    if notes:
        out += ["FLOPs count: " + md_text("; ".join(notes)) + ".", ""]
    return "\n".join(out)


def write_leaderboard(results_root: Path, output: Path | None = None,
                      results: list[JobResult] | None = None) -> Path:
    """The markdown and its figures (``<results_root>/plots/``), from every stored run
    (``results``, when the caller has already read them)."""
    results_root = Path(results_root)
    output = output or results_root / "leaderboard.md"
    if results is None:
        results = load_all(results_root)
    plots_dir = results_root / "plots"
    plots = write_plots(sections(results), plots_dir)
    href = Path(os.path.relpath(plots_dir.resolve(), output.resolve().parent)).as_posix()
    atomic_write_text(output, render(results, plots, href))
    return output
