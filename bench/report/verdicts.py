"""Judge each declared claim against stored results; one verdict JSON per claim.

The verdict's keys and nesting follow a published record format exactly (see
``bench/report/verdict_schema.json``); what produced the score (jobs, runs, data fingerprint, CI,
tolerance) is written into ``claim_citation.notes``, the only free-text field it has.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from models_registry import get_model
from models_registry.claims import Claim, all_claims
from suites.records.schema import JobResult

SCHEMA_PATH = Path(__file__).with_name("verdict_schema.json")
PROTOCOL_WEIGHT = {"exact": 1.0, "proxy": 0.8, "mismatch": 0.5, "none": 0.0}
EPOCH = "1970-01-01T00:00:00+00:00"


@dataclass
class Finding:
    """What the evidence says, in the claim's reported units."""

    value: float  # in reported units (accuracy in percent)
    score: float  # as the verdict states it (accuracy as a fraction)
    ci: tuple[float, float] | None  # reported units
    protocol_match: str
    computed_at: str
    provenance: str
    git_sha: str | None = None


def _agent_version(sha: str | None) -> str:
    try:
        mine = version("compact-encoder-bench")
    except PackageNotFoundError:
        mine = "unknown"
    return f"compact-encoder-bench {mine}" + (f" (git {sha[:10]})" if sha else "")


def _provenance(r: JobResult) -> str:
    return (f"job {r.job_id} (run {r.run_id}, git {(r.git.sha or 'unknown')[:10]}, "
            f"weights {r.model.weights_source}"
            f"{' @' + r.model.revision if r.model.revision else ''})")


def _mnli(claim: Claim, results: list[JobResult]) -> Finding | None:
    split = claim.evidence.split
    found = [r for r in results if r.suite == "mnli-proxy" and r.status == "ok"
             and r.model.name == claim.evidence.model]
    if not found:
        return None
    best = max(found, key=lambda r: (r.metrics["splits"][split]["n"], r.finished_at))
    m = best.metrics["splits"][split]
    low, high = m["ci95"]["accuracy"]
    if claim.protocol_differs or best.metrics["checkpoint_origin"] == "fine-tuned-here":
        match = "mismatch"
    elif best.metrics["protocol"] == "full" and claim.paper_setting == "dev":
        match = "exact"
    else:
        match = "proxy"
    data = m["data"]
    provenance = (f"{_provenance(best)}; {split} n={m['n']} of "
                  f"{data.get('notes', {}).get('sampled_from', m['n'])}, data sha256 "
                  f"{data['fingerprint'][:16]}, labels by "
                  f"{best.metrics['label_mapping']['decided_by']}, checkpoint "
                  f"{best.metrics['checkpoint_origin']}")
    return Finding(100 * m["accuracy"], round(m["accuracy"], 4), (100 * low, 100 * high), match,
                   best.finished_at, provenance, best.git.sha)


def _param_ratio(claim: Claim, results: list[JobResult]) -> Finding | None:
    model, reference = get_model(claim.evidence.model), get_model(claim.evidence.reference)
    if not (model.n_parameters and reference.n_parameters):
        return None
    ratio = reference.n_parameters / model.n_parameters
    when = max((r.finished_at for r in results), default=EPOCH)
    provenance = (f"registry counts {reference.name} {reference.n_parameters:,} / {model.name} "
                  f"{model.n_parameters:,} (checked against the built models by the static suite)")
    return Finding(ratio, round(ratio, 4), None, "proxy", when, provenance)


def _latency_ratio(claim: Claim, results: list[JobResult]) -> Finding | None:
    from bench.report.backends import backend_of
    from suites.backends import REFERENCE
    from suites.latency.ratios import speed_ratio

    point = tuple(claim.evidence.point)
    # Both models on the same hardware, threads and backend; fp32 eager (the paper's models
    # ran in float) is preferred over a faster backend, then the newest section.
    sections: dict[tuple, dict[str, JobResult]] = {}
    for r in sorted(results, key=lambda r: r.finished_at):
        if r.suite == "latency" and r.status == "ok":
            key = (r.hardware_fingerprint, r.config.get("threads"), backend_of(r))
            sections.setdefault(key, {})[r.model.name] = r
    usable = [(key, s) for key, s in sections.items()
              if claim.evidence.model in s and claim.evidence.reference in s]
    if not usable:
        return None
    _, section = max(usable, key=lambda ks: (ks[0][2] == REFERENCE,
                                             max(r.finished_at for r in ks[1].values())))

    def at_point(r: JobResult) -> dict | None:
        return next((p for p in r.metrics["points"]
                     if (p["batch_size"], p["seq_len"]) == point), None)

    mine, ref = at_point(section[claim.evidence.model]), at_point(
        section[claim.evidence.reference])
    if mine is None or ref is None:
        return None
    ratio = speed_ratio(ref, mine)
    r_model = section[claim.evidence.model]
    how = (f"paired over {ratio.n} interleaved rounds" if ratio.paired
           else "timed apart, bootstrap CI")
    provenance = (f"p50 b{point[0]}/s{point[1]}: {claim.evidence.reference} "
                  f"{ref['p50_ms']:.1f} ms / {claim.evidence.model} {mine['p50_ms']:.1f} ms "
                  f"({how}), "
                  f"backend {backend_of(r_model)} ({r_model.runtime.get('dtype', 'float32')}, "
                  f"attention {r_model.runtime.get('attn_implementation', 'n/a')}), "
                  f"{r_model.config.get('threads')} threads, hardware "
                  f"{r_model.hardware_fingerprint} ({r_model.environment.cpu_model}); "
                  f"{_provenance(r_model)}")
    return Finding(ratio.value, round(ratio.value, 4), (ratio.low, ratio.high),
                   "proxy", max(r.finished_at for r in section.values()), provenance,
                   r_model.git.sha)


EVIDENCE = {"mnli": _mnli, "param_ratio": _param_ratio, "latency_ratio": _latency_ratio}


def _band(claim: Claim) -> tuple[float, float]:
    rep, tol = claim.reported_value, claim.tolerance
    if tol.kind == "abs":
        return rep - tol.value, rep + tol.value
    if tol.kind == "relative":
        return rep * (1 - tol.value), rep * (1 + tol.value)
    return rep * tol.value, float("inf")


def judge(claim: Claim, finding: Finding | None) -> tuple[str, float]:
    """(status, confidence): reproduced when the point estimate meets the tolerance;
    not_reproduced when the whole CI misses it; inconclusive in between or without evidence."""
    if finding is None:
        return "inconclusive", 0.0
    low, high = _band(claim)
    if low <= finding.value <= high:
        status = "reproduced"
    elif finding.ci and finding.ci[1] >= low and finding.ci[0] <= high:
        status = "inconclusive"
    else:
        status = "not_reproduced"
    half_band = (high - low) / 2 if high != float("inf") else claim.reported_value - low
    half_ci = (finding.ci[1] - finding.ci[0]) / 2 if finding.ci else 0.0
    width_factor = 1.0 / (1.0 + half_ci / half_band) if half_band > 0 else 0.0
    return status, round(PROTOCOL_WEIGHT[finding.protocol_match] * width_factor, 4)


def assess(claim: Claim, results: list[JobResult]) -> tuple[Finding | None, str, float]:
    """The evidence for ``claim`` in ``results`` (None without any), its status and
    confidence."""
    finding = EVIDENCE[claim.evidence.kind](claim, results) if claim.evidence.model else None
    return (finding, *judge(claim, finding))


def verdict_table(results: list[JobResult]) -> pd.DataFrame:
    """One row per declared claim: what the paper says beside what was measured, for the
    HTML report (the JSON files under ``results/verdicts/`` hold the full record)."""
    from bench.report.leaderboard import latest_per_job

    results = latest_per_job(results)
    rows = []
    for claim in sorted(all_claims().values(), key=lambda c: c.id):
        finding, status, confidence = assess(claim, results)
        rows.append({
            "claim": claim.id,
            "paper": f"{claim.paper.arxiv_id} {claim.section}",
            "quote": claim.quoted_text,
            "reported": claim.reported_value,
            "measured": round(finding.value, 2) if finding else None,
            "95% CI": (f"{finding.ci[0]:.2f}–{finding.ci[1]:.2f}"
                       if finding and finding.ci else None),
            "status": status,
            "confidence": confidence,
            "protocol": finding.protocol_match if finding else "none",
        })
    return pd.DataFrame(rows)


def build_verdict(claim: Claim, results: list[JobResult]) -> dict[str, Any]:
    finding, status, confidence = assess(claim, results)
    citation = claim.citation()
    if finding is None:
        evidence = ("No evidence: " + ("no public checkpoint is registered for this row."
                                       if not claim.evidence.model else
                                       f"no ok {claim.evidence.kind} result for "
                                       f"{claim.evidence.model} in the results."))
    else:
        ci = (f", 95% CI {finding.ci[0]:.2f}–{finding.ci[1]:.2f}" if finding.ci else "")
        evidence = (f"Measured {finding.value:.2f}{ci} vs reported {claim.reported_value:g} "
                    f"({claim.tolerance.describe()}). Evidence: {finding.provenance}.")
    citation["notes"] = f"{claim.notes} {evidence}".strip()
    basis = json.dumps({"claim": claim.id, "evidence": finding.provenance if finding else None,
                        "value": finding.value if finding else None}, sort_keys=True)
    verdict = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, basis)),
        "kind": "POST",
        "status": status,
        "score": finding.score if finding else None,
        "confidence": confidence,
        "agent_version": _agent_version(finding.git_sha if finding else None),
        "computed_at": finding.computed_at if finding else EPOCH,
        "is_current": True,
        "claim_citation": citation,
        "protocol_match": finding.protocol_match if finding else "none",
    }
    version_info = claim.paper.latest_version
    return {
        "paper": claim.paper.to_record(),
        "latest_version": {
            "id": version_info.id, "version": version_info.version,
            "source_url": version_info.source_url,
            "rendered_html_url": version_info.rendered_html_url,
            "rendering_engine": version_info.rendering_engine,
        },
        "verdict": verdict,
        "verdicts": {"post": verdict, "pre": None},
    }


def write_verdicts(results_root: Path, results: list[JobResult] | None = None) -> list[Path]:
    """One file per claim under ``results/verdicts/``, rewritten atomically each time, from
    every stored run (``results``, when the caller has already read them)."""
    from bench.report.leaderboard import latest_per_job, load_all
    from suites.records.atomic import atomic_write_json

    if results is None:
        results = load_all(Path(results_root))
    results = latest_per_job(results)
    out_dir = Path(results_root) / "verdicts"
    written = []
    for claim in all_claims().values():
        path = out_dir / f"{claim.id}.json"
        atomic_write_json(path, build_verdict(claim, results))
        written.append(path)
    return written
