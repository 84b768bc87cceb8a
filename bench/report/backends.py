"""Backend comparison for the leaderboard: each model at its best backend, never ranking one
that failed its parity gate, and the machine's GEMM peak the roofline figures refer to."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from bench.report import select
from bench.report.markdown_tables import md_text
from bench.report.noise import ci_columns
from harness.backends import REFERENCE, backend_of
from harness.ratios import speed_ratio
from harness.records.roles import LATENCY, PointMeasure
from harness.records.schema import JobResult
from harness.timing.roofline import peak_share
from models_registry import REFERENCE_MODEL

BACKEND_POINT = (8, 128)  # the target point: batch 8, 128 tokens


def best_names(point: tuple[int, int] = BACKEND_POINT) -> tuple[str, str, str]:
    """The best-backend columns, each naming the point it was ranked at: (backend, its ×
    over its own fp32 eager, × over the reference model at that one's best backend)."""
    where = f"b{point[0]}/s{point[1]}"
    return (f"best backend {where}", f"best × {where}",
            f"best-each × vs {REFERENCE_MODEL} {where}")


BEST_BACKEND, BEST_X, BEST_EACH = best_names()


def reference_points(results: list[JobResult], measure: PointMeasure
                     ) -> dict[str, dict[tuple, dict]]:
    """model → (batch, seq) → point of ``measure``, from the reference backend; the newest
    result wins."""
    out: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for r in select.measuring(sorted(results, key=lambda r: (r.finished_at, r.job_id)),
                              measure):
        if backend_of(r) == REFERENCE:
            for p in select.points(r):
                out[r.model.name][(p["batch_size"], p["seq_len"])] = p
    return out


def _point(result: JobResult, batch: int, seq: int) -> dict[str, Any] | None:
    return next((p for p in select.points(result)
                 if (p["batch_size"], p["seq_len"]) == (batch, seq)), None)


def gate(result: JobResult) -> tuple[bool, str]:
    """(rankable, why): the reference passes by definition; others need a passed gate."""
    if backend_of(result) == REFERENCE:
        return True, "reference"
    parity = select.timed(result).parity
    if not parity:
        return False, "no parity gate run"
    return parity["passed"], "pass" if parity["passed"] else f"FAIL: {parity['reason']}"


def _parity_figures(parity: dict[str, Any] | None) -> tuple[float | None, float | None]:
    """(agreement %, max |Δlogit|) as the tables show them; None without a gate run."""
    if not parity:
        return None, None
    return (round(100 * parity["agreement"], 2),
            float(f"{parity['max_abs_logit_diff']:.3g}"))


def _real_agreement(parity: dict[str, Any] | None) -> float | None:
    """Agreement % on the real fine-tuned model the gate also checked, where it did."""
    real = (parity or {}).get("real_model") or {}
    return round(100 * real["agreement"], 2) if real.get("checked") else None


def _latency_by_model(results: list[JobResult]) -> dict[str, dict[str, JobResult]]:
    out: dict[str, dict[str, JobResult]] = {}
    for r in select.measuring(sorted(results, key=lambda r: r.finished_at), LATENCY):
        out.setdefault(r.model.name, {})[backend_of(r)] = r
    return out


def _reference_point(results: list[JobResult], r: JobResult, point: tuple[int, int]
                     ) -> dict[str, Any] | None:
    """The fp32 reference at ``point`` for ``r``: from r's own run when that run timed it
    (a ratio within one run), else the newest."""
    refs = [x for x in select.measuring(sorted(results, key=lambda x: x.finished_at), LATENCY)
            if x.model.name == r.model.name and backend_of(x) == REFERENCE
            and _point(x, *point)]
    same_run = [x for x in refs if x.run_id == r.run_id]
    chosen = (same_run or refs)[-1:]
    return _point(chosen[0], *point) if chosen else None


def gated_points(results: list[JobResult], *points: tuple[int, int]
                 ) -> list[tuple[str, str, str, dict[tuple[int, int], dict[str, Any]]]]:
    """(model, backend, precision, point → its record) for every model × backend whose
    gate passed (or the reference) and that measured all of ``points``, sorted."""
    out = []
    for model, by_backend in sorted(_latency_by_model(results).items()):
        for name, r in sorted(by_backend.items()):
            found = {pt: p for pt in points if (p := _point(r, *pt)) is not None}
            if gate(r)[0] and len(found) == len(points):
                out.append((model, name, select.timed(r).precision, found))
    return out


def backend_table(results: list[JobResult], point: tuple[int, int] = BACKEND_POINT
                  ) -> pd.DataFrame:
    rows = []
    for model, by_backend in sorted(_latency_by_model(results).items()):
        if len(by_backend) < 2 and REFERENCE in by_backend:
            continue  # only the reference: nothing to compare
        for name, r in by_backend.items():
            p = _point(r, *point)
            if p is None:
                continue
            ref_point = _reference_point(results, r, point)
            _, verdict = gate(r)
            agree, max_diff = _parity_figures(select.timed(r).parity)
            rows.append({
                "model": model, "backend": name, "precision": select.timed(r).precision,
                "p50 ms": round(p["p50_ms"], 2), "samples/s": round(p["samples_per_s"], 1),
                **ci_columns(f"× vs {REFERENCE}",
                             speed_ratio(ref_point, p) if ref_point else None),
                "GFLOP/s": p.get("achieved_gflops"), "% peak": peak_share(p.get("pct_of_peak")),
                "convert s": select.timed(r).prepare_s,
                "first call ms": p.get("first_call_ms"),
                "agree %": agree, "max |Δlogit|": max_diff,
                "real-model agree %": _real_agreement(select.timed(r).parity),
                "parity gate": verdict,
            })
    return pd.DataFrame(rows)


def best_backends(results: list[JobResult], point: tuple[int, int] = BACKEND_POINT,
                  reference_model: str = REFERENCE_MODEL) -> dict[str, dict[str, Any]]:
    """Per model: the fastest backend that passed its gate, its speed-up over its own fp32
    eager, and its speed-up over ``reference_model`` at that one's best backend (each model
    at its best, beside the same-backend ``× vs`` columns)."""
    out, best_points = {}, {}
    backend_column, x_column, each_column = best_names(point)
    for model, by_backend in _latency_by_model(results).items():
        ranked = [(speed_ratio(ref, p), name, r, p) for name, r in by_backend.items()
                  if gate(r)[0] and (p := _point(r, *point))
                  and (ref := _reference_point(results, r, point))]
        if not ranked:
            continue
        ratio, name, r, best_points[model] = max(ranked, key=lambda t: t[0].value)
        agree, max_diff = _parity_figures(select.timed(r).parity)
        out[model] = {  # the reference, when it wins, agrees with itself exactly
            backend_column: name,
            **ci_columns(x_column, ratio),
            "best agree %": 100.0 if agree is None else agree,
            "best max |Δlogit|": 0.0 if max_diff is None else max_diff,
            # small-model agreement above; on a real fine-tuned model where the gate had one
            "best real-model agree %": _real_agreement(select.timed(r).parity),
        }
    reference = best_points.get(reference_model)
    for model, mine in best_points.items():
        if reference is not None:
            out[model].update(ci_columns(each_column, speed_ratio(reference, mine)))
    return out


def machine_peak_line(results: list[JobResult]) -> str | None:
    """The newest run's measured GEMM peaks (a later probe may measure more libraries)."""
    timed = select.measuring(sorted(results, key=lambda r: r.finished_at, reverse=True),
                             LATENCY)
    peaks = next((peak for r in timed if (peak := select.timed(r).machine_peak)), None)
    if not peaks:
        return None
    parts = [f"{k} {v['gflops']:.0f} G{'OP' if k == 'int8' else 'FLOP'}/s"
             for k, v in peaks["peaks"].items()]
    return (f"- Measured GEMM peak ({peaks['threads']} threads, median of repeats, best of "
            f"n×n sizes): {md_text(', '.join(parts))}; `% peak` holds each point against the "
            "peak of its backend's precision")


def accuracy_delta_table(results: list[JobResult]) -> pd.DataFrame:
    """Accuracy through each backend on the real fine-tuned model and the real rows."""
    rows = []
    for model, e in select.evaluations(results):
        for backend, d in (e.scores.backends or {}).items():
            rows.append({
                "model": model, "set": e.set_name, "backend": backend,
                "n": d.get("n"),
                "acc %": round(100 * d["accuracy"], 2) if "accuracy" in d else None,
                "Δ pts vs fp32": d.get("accuracy_delta_pts"),
                "agree %": round(100 * d["agreement"], 2) if "agreement" in d else None,
                "max |Δp|": (float(f"{d['max_abs_prob_diff']:.3g}")
                             if "max_abs_prob_diff" in d else None),
                "note": d.get("skipped", ""),
            })
    return pd.DataFrame(rows)
