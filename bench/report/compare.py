"""``bench compare RUN_A RUN_B``: what changed between two runs, beyond the noise.

- **Latency**: every timed call is stored, so the two *distributions* are compared: a
  two-sided Mann–Whitney U test, and a seeded percentile-bootstrap 95% CI of the ratio of
  medians (B / A). A change counts only when both say so (p < 0.05 and the CI excludes 1),
  the rule asv uses (a factor *and* a significant difference). It must also exceed the
  noise floor: the runs' own round-to-round noise, and the spread of several baseline runs
  when given (``bench compare A1,A2,A3 B``).
- **Accuracy**: on the very same rows (same data fingerprint, per-row predictions stored) a
  paired bootstrap CI of the difference and the exact McNemar test; otherwise an unpaired
  95% CI of the difference of two proportions. A change counts when the CI excludes 0.
- **Peak memory**: one measurement per point, so there is no distribution; a change counts
  beyond a 2% floor (the probes agree with ``wait4``'s rusage within that).

Latency and memory are properties of a machine: comparing them across hardware
fingerprints is refused unless asked for, and then every such row is flagged. ``--fail-on``
turns significant regressions beyond a threshold into exit code 1, for CI gates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.report import select
from bench.report.accuracy import evaluations
from bench.report.delta import (
    HIGHER_IS_BETTER,
    CompareError,
    Delta,
    detection_deltas,
)
from bench.report.significance import (
    ALPHA,
    between_run_noise,
    compare_accuracy,
    compare_samples,
    within_run_noise,
)
from bench.run.store import read_run
from harness.backends import backend_of
from harness.records.metrics import SetScores
from harness.records.roles import POINT_MEASURES, PointMeasure
from harness.records.schema import JobResult

MEMORY_NOISE_PCT = 2.0
KEY_PACKAGES = ("torch", "transformers", "onnxruntime")


# --- matching the two runs -----------------------------------------------------------------


def load_run(spec: str | Path, results_dir: Path) -> list[JobResult]:
    """A run by id (``<results_dir>/runs/<id>``) or by directory; ok results only. Several
    runs, comma-separated, are read together (a baseline of repeated runs)."""
    results = []
    for one in str(spec).split(","):
        try:
            _, found = read_run(one.strip(), results_dir)
        except ValueError as exc:
            raise CompareError(str(exc)) from None
        results += [r for _, r in found if r.status == "ok"]
    return results


def _points(results: list[JobResult], measure: PointMeasure
            ) -> dict[tuple, tuple[dict, JobResult]]:
    """(model, backend, threads, batch, seq) → (point, its result) of every result that
    measures ``measure``; the newest wins."""
    out: dict[tuple, tuple[dict, JobResult]] = {}
    for r in select.measuring(sorted(results, key=lambda r: (r.finished_at, r.job_id)),
                              measure):
        for p in select.points(r):
            key = (r.model.name, backend_of(r), r.config.get("threads"),
                   p["batch_size"], p["seq_len"])
            out[key] = (p, r)
    return out


def _scores(results: list[JobResult]) -> dict[tuple, SetScores]:
    newest = sorted(results, key=lambda r: (r.finished_at, r.job_id))
    return {(model, label): scores for label, model, scores in evaluations(newest)}


@dataclass
class Comparison:
    a_label: str
    b_label: str
    deltas: list[Delta]
    notices: list[str]
    refused: list[str]

    def regressions(self, thresholds: dict[str, float]) -> list[Delta]:
        """Significant regressions whose size exceeds the metric's ``--fail-on`` threshold."""
        return [d for d in self.deltas
                if d.metric in thresholds and d.regression
                and abs(d.change) > thresholds[d.metric]]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a_label, "b": self.b_label, "notices": self.notices,
                "refused": self.refused,
                "deltas": [{**asdict(d), "regression": d.regression,
                            "improvement": d.improvement, "verdict": d.verdict}
                           for d in self.deltas]}


def _describe(results: list[JobResult]) -> str:
    runs = sorted({r.run_id for r in results})
    shas = sorted({(r.git.sha or "unknown")[:10] for r in results})
    fps = sorted({r.hardware_fingerprint for r in results})
    return (f"run {', '.join(runs)} (code {', '.join(shas)}; hardware {', '.join(fps)}; "
            f"executor {', '.join(_executors(results))})")


def _executors(results: list[JobResult]) -> list[str]:
    """Where the results ran (``local`` before schema 1.5 recorded it: Ray came later)."""
    return sorted({r.executor.kind if r.executor else "local" for r in results})


def compare_runs(a: list[JobResult], b: list[JobResult], *,
                 allow_hardware_mismatch: bool = False) -> Comparison:
    """B against the baseline A. When A holds several runs (``bench compare A1,A2,A3 B``),
    latency samples are pooled over them and a change must also exceed their between-run
    spread at that point to count: the gate then does not fire on run-to-run drift."""
    deltas: list[Delta] = []
    notices: list[str] = []
    refused: list[str] = []
    baselines: dict[str, list[JobResult]] = defaultdict(list)
    for r in a:
        baselines[r.run_id].append(r)
    for measure in POINT_MEASURES:  # hardware-bound: never compared across machines
        pa, pb = _points(a, measure), _points(b, measure)
        per_run = {run: _points(rs, measure) for run, rs in sorted(baselines.items())}
        refused += _thread_mismatches(measure, pa, pb)
        for key in sorted(pa.keys() & pb.keys(), key=str):
            (_, ra), (point_b, rb) = pa[key], pb[key]
            model, backend, _, batch, seq = key
            where = f"b{batch}/s{seq}"
            machines = {run: points[key][1].hardware_fingerprint
                        for run, points in per_run.items() if key in points}
            if len(set(machines.values())) > 1:  # pooling them would measure the machines
                refused.append(f"{measure.name} {model}/{backend} {where}: the baseline runs "
                               "were measured on different machines ("
                               + ", ".join(f"{run} on {fp}" for run, fp in machines.items())
                               + "); pool only runs of one machine")
                continue
            cross = ra.hardware_fingerprint != rb.hardware_fingerprint
            if cross and not allow_hardware_mismatch:
                refused.append(f"{measure.name} {model}/{backend} {where}: hardware "
                               f"{ra.hardware_fingerprint} vs {rb.hardware_fingerprint}")
                continue
            runs_a = [points[key][0] for points in per_run.values() if key in points]
            key_, samples = measure.value_key, measure.samples_key
            if samples:  # per-call samples: a statistical comparison
                between = between_run_noise([p[key_] for p in runs_a])
                within = within_run_noise(runs_a, point_b)
                noise = max((n for n in (between, within) if n is not None), default=None)
                pooled = [s for p in runs_a for s in p[samples]]
                change, ci, p = compare_samples(pooled, point_b[samples])
                significant = (p < ALPHA and (ci[0] > 0 or ci[1] < 0)
                               and (noise is None or abs(change) > noise))
                method = "Mann-Whitney U + bootstrap CI of the median ratio"
                if within is not None:
                    method += ", beyond the runs' own round-to-round noise"
                if between is not None:
                    method += f", beyond the spread of {len(runs_a)} baseline runs"
                deltas.append(Delta(measure.name, model, backend, where, measure.label,
                                    float(np.median(pooled)), point_b[key_], change, ci, p,
                                    method, significant, cross, noise))
            else:  # one measurement per run: a relative change beyond a floor
                noise = between_run_noise([p[key_] for p in runs_a])
                va = float(np.median([p[key_] for p in runs_a]))
                vb = point_b[key_]
                change = 100 * (vb / va - 1)
                floor = max(MEMORY_NOISE_PCT, noise or 0.0)
                deltas.append(Delta(measure.name, model, backend, where, measure.label, va, vb,
                                    change, None, None,
                                    f"single measurement, {floor:.3g}% floor",
                                    abs(change) > floor, cross, noise))
    deltas += _rate_deltas(a, b, baselines, refused, allow_hardware_mismatch)
    sa, sb = _scores(a), _scores(b)
    for model, label in sorted(sa.keys() & sb.keys()):
        change, ci, p, method = compare_accuracy(sa[(model, label)], sb[(model, label)])
        deltas.append(Delta("accuracy", model, "-", label, "acc %",
                            100 * sa[(model, label)].accuracy,
                            100 * sb[(model, label)].accuracy, change, ci, p, method,
                            ci[0] > 0 or ci[1] < 0))
        deltas += detection_deltas(model, label, sa[(model, label)], sb[(model, label)])
    packages = defaultdict(set)
    for r in (*a, *b):
        for name in KEY_PACKAGES:
            packages[name].add(r.environment.packages.get(name))
    changed = [f"{n} {' vs '.join(sorted(str(v) for v in vs))}"
               for n, vs in packages.items() if len(vs) > 1]
    if changed:
        notices.append("package versions differ: " + "; ".join(changed))
    if _executors(a) != _executors(b):
        notices.append(f"executors differ (A {', '.join(_executors(a))}, B "
                       f"{', '.join(_executors(b))}): a Ray node's own processes share its "
                       "cores, so its absolute latencies read higher (3-8% on a 2-core node, "
                       "docs/cluster.md); ratios between models compare, absolute latency "
                       "only within one executor")
    if any(d.cross_hardware for d in deltas):
        notices.append("⚠ LATENCY/MEMORY COMPARED ACROSS DIFFERENT HARDWARE "
                       "(--allow-hardware-mismatch): those rows measure the machines, "
                       "not the code")
    if not deltas and not refused:
        raise CompareError("the two runs share no (model, backend, threads, point) latency or "
                           "memory measurement and no scored test set: nothing to compare")
    return Comparison(_describe(a), _describe(b), deltas, notices, refused)


def _rates(results: list[JobResult]) -> dict[tuple, tuple[Any, JobResult]]:
    """(model, backend, threads, rate, condition) → (rate, its result); the newest wins."""
    return {(r.model.name, backend_of(r), r.config.get("threads"), rate.name, rate.where):
            (rate, r) for r, rate in select.rates(sorted(results, key=lambda r: (
                r.finished_at, r.job_id)))}


def _rate_deltas(a: list[JobResult], b: list[JobResult], baselines: dict[str, list[JobResult]],
                 refused: list[str], allow_hardware_mismatch: bool) -> list[Delta]:
    """Searched rates (Server QPS at a p99 bound): one figure per run, so a change counts
    when it exceeds the searches' own resolution and the baseline runs' spread."""
    ra, rb = _rates(a), _rates(b)
    per_run = [_rates(rs) for _, rs in sorted(baselines.items())]
    out = []
    for key in sorted(ra.keys() & rb.keys(), key=str):
        (rate_a, res_a), (rate_b, res_b) = ra[key], rb[key]
        model, backend, _, name, where = key
        cross = res_a.hardware_fingerprint != res_b.hardware_fingerprint
        if cross and not allow_hardware_mismatch:
            refused.append(f"{name} {model}/{backend} {where}: hardware "
                           f"{res_a.hardware_fingerprint} vs {res_b.hardware_fingerprint}")
            continue
        values = [runs[key][0].value for runs in per_run if key in runs]
        va = float(np.median(values))
        between = between_run_noise(values)
        floor = max(rate_a.resolution_pct, rate_b.resolution_pct, between or 0.0)
        change = 100 * (rate_b.value / va - 1)
        out.append(Delta(name, model, backend, where, rate_a.unit, va, rate_b.value, change,
                         None, None, f"searched rate: beyond its {floor:.3g}% resolution "
                         "(search bracket, repeats, baseline spread)", abs(change) > floor,
                         cross, between))
    return out


def _thread_mismatches(measure: PointMeasure, pa: dict[tuple, Any], pb: dict[tuple, Any]
                       ) -> list[str]:
    """Points both runs timed, but at different thread counts: a different measurement,
    said so instead of silently left out."""
    def by_point(points: dict[tuple, Any]) -> dict[tuple, set]:
        out: dict[tuple, set] = defaultdict(set)
        for model, backend, threads, batch, seq in points:
            out[(model, backend, batch, seq)].add(threads)
        return out

    def threads(counts: set) -> str:
        return "/".join(map(str, sorted(counts, key=str)))

    ta, tb = by_point(pa), by_point(pb)
    refused = []
    for key in sorted(ta.keys() & tb.keys(), key=str):
        if not ta[key] & tb[key]:
            model, backend, batch, seq = key
            refused.append(f"{measure.name} {model}/{backend} b{batch}/s{seq}: threads "
                           f"{threads(ta[key])} vs {threads(tb[key])}; compare runs made "
                           "with the same --threads")
    return refused


def render(comparison: Comparison, thresholds: dict[str, float]) -> str:
    import pandas as pd

    out = [f"A: {comparison.a_label}", f"B: {comparison.b_label}", ""]
    out += [f"NOTE: {n}" for n in comparison.notices]
    if comparison.refused:
        out += [f"REFUSED ({len(comparison.refused)}): latency/memory rows measured on "
                "different machines or thread counts are not compared (different hardware "
                "of A and B: --allow-hardware-mismatch shows them flagged)"]
        out += [f"  - {r}" for r in comparison.refused[:10]]
        if len(comparison.refused) > 10:
            out.append(f"  … and {len(comparison.refused) - 10} more")
    if comparison.deltas:
        out += ["", pd.DataFrame([d.row() for d in comparison.deltas]).to_markdown(index=False)]
    failing = comparison.regressions(thresholds)
    if thresholds:
        rule = ", ".join(f"{k} > {v:g}{' pts' if k in HIGHER_IS_BETTER else '%'}"
                         for k, v in sorted(thresholds.items()))
        verdict = (f"FAIL — {len(failing)} significant regression(s)" if failing
                   else f"NOT PASSED — {len(comparison.refused)} row(s) refused, not gated"
                   if comparison.refused else "pass")
        out += ["", f"gate ({rule}): {verdict}"]
        out += [f"  - {d.metric} {d.model}/{d.backend} {d.where}: {d.change:+.2f}"
                f"{' pts' if d.metric in HIGHER_IS_BETTER else '%'}" for d in failing]
    return "\n".join(out)
