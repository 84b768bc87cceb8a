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

from harness.records.roles import EvidenceFinder, Finding
from harness.records.schema import JobResult
from models_registry import get_model
from models_registry.claims import Claim, all_claims
from suites import SUITES

SCHEMA_PATH = Path(__file__).with_name("verdict_schema.json")
PROTOCOL_WEIGHT = {"exact": 1.0, "proxy": 0.8, "mismatch": 0.5, "none": 0.0}
EPOCH = "1970-01-01T00:00:00+00:00"


def _agent_version(sha: str | None) -> str:
    try:
        mine = version("compact-encoder-bench")
    except PackageNotFoundError:
        mine = "unknown"
    return f"compact-encoder-bench {mine}" + (f" (git {sha[:10]})" if sha else "")


def _param_ratio(claim: Claim, results: list[JobResult]) -> Finding | None:
    model, reference = get_model(claim.evidence.model), get_model(claim.evidence.reference)
    if not (model.n_parameters and reference.n_parameters):
        return None
    ratio = reference.n_parameters / model.n_parameters
    when = max((r.finished_at for r in results), default=EPOCH)
    provenance = (f"registry counts {reference.name} {reference.n_parameters:,} / {model.name} "
                  f"{model.n_parameters:,} (checked against the built models by the static suite)")
    return Finding(ratio, round(ratio, 4), None, "proxy", when, provenance)


BYTES_PER_PARAMETER = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}


def _artifact_mb(claim: Claim, results: list[JobResult]) -> Finding | None:
    """The weights' size at a precision, in MB (10^6 bytes), from the declared parameter
    count: every parameter at that width, the floor any such artefact approaches (formats add
    headers, and int8 recipes that keep embeddings in float add more)."""
    model, precision = get_model(claim.evidence.model), claim.evidence.split or "fp32"
    if not model.n_parameters:
        return None
    size = model.n_parameters * BYTES_PER_PARAMETER[precision] / 1e6
    when = max((r.finished_at for r in results), default=EPOCH)
    provenance = (f"registry count {model.name} {model.n_parameters:,} parameters × "
                  f"{BYTES_PER_PARAMETER[precision]} B ({precision}) = {size:.1f} MB")
    return Finding(size, round(size, 3), None, "proxy", when, provenance)


def evidence_finders() -> dict[str, EvidenceFinder]:
    """Claim evidence kind → finder: each suite's declared kinds, given that suite's results
    only; the registry's parameter counts need no suite."""
    finders: dict[str, EvidenceFinder] = {"param_ratio": _param_ratio,
                                          "artifact_mb": _artifact_mb}
    for suite in SUITES.values():
        for kind, find in suite.evidence.items():
            if kind in finders:
                raise ValueError(f"claim evidence {kind!r} is declared twice")
            finders[kind] = (lambda claim, results, find=find, name=suite.name:
                             find(claim, [r for r in results if r.suite == name]))
    return finders


def _band(claim: Claim) -> tuple[float, float]:
    rep, tol = claim.reported_value, claim.tolerance
    if tol.kind == "abs":
        return rep - tol.value, rep + tol.value
    if tol.kind == "relative":
        return rep * (1 - tol.value), rep * (1 + tol.value)
    if tol.kind == "at_most":
        return float("-inf"), rep * tol.value
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
    if high == float("inf"):
        half_band = claim.reported_value - low
    elif low == float("-inf"):
        half_band = high - claim.reported_value
    else:
        half_band = (high - low) / 2
    if half_band <= 0:  # a bare bound ("95%+"): CIs count against 5% of the reported value
        half_band = 0.05 * abs(claim.reported_value)
    half_ci = (finding.ci[1] - finding.ci[0]) / 2 if finding.ci else 0.0
    width_factor = 1.0 / (1.0 + half_ci / half_band) if half_band > 0 else 0.0
    return status, round(PROTOCOL_WEIGHT[finding.protocol_match] * width_factor, 4)


def assess(claim: Claim, results: list[JobResult],
           finders: dict[str, EvidenceFinder] | None = None
           ) -> tuple[Finding | None, str, float]:
    """The evidence for ``claim`` in ``results`` (None without any), its status and
    confidence."""
    if claim.evidence.not_measured or not claim.evidence.model:
        return None, *judge(claim, None)
    finders = finders or evidence_finders()
    if claim.evidence.kind not in finders:
        raise ValueError(f"claim {claim.id}: no suite gives evidence of kind "
                         f"{claim.evidence.kind!r}; declared: {', '.join(sorted(finders))}")
    finding = finders[claim.evidence.kind](claim, results)
    return (finding, *judge(claim, finding))


@dataclass(frozen=True)
class Assessment:
    """One claim judged: what the verdict file and the HTML page's claims table show."""

    claim: Claim
    finding: Finding | None
    status: str
    confidence: float


def assess_all(results: list[JobResult]) -> list[Assessment]:
    """Every declared claim judged once, against the newest result of every job."""
    from bench.report.leaderboard import latest_per_job

    results, finders = latest_per_job(results), evidence_finders()
    return [Assessment(claim, *assess(claim, results, finders))
            for claim in all_claims().values()]


def verdict_table(assessed: list[Assessment]) -> pd.DataFrame:
    """One row per claim: what the paper says beside what was measured, for the HTML report
    (the JSON files under ``results/verdicts/`` hold the full record)."""
    rows = []
    for a in sorted(assessed, key=lambda a: a.claim.id):
        claim, finding = a.claim, a.finding
        rows.append({
            "claim": claim.id,
            "paper": f"{claim.paper.label} {claim.section}",
            "quote": claim.quoted_text,
            "reported": claim.reported_value,
            "measured": round(finding.value, 2) if finding else None,
            "95% CI": (f"{finding.ci[0]:.2f}–{finding.ci[1]:.2f}"
                       if finding and finding.ci else None),
            "status": a.status,
            "confidence": a.confidence,
            "protocol": finding.protocol_match if finding else "none",
        })
    return pd.DataFrame(rows)


def build_verdict(claim: Claim, results: list[JobResult]) -> dict[str, Any]:
    return verdict_record(Assessment(claim, *assess(claim, results)))


def verdict_record(assessed: Assessment) -> dict[str, Any]:
    """The verdict file of one judged claim, in the published record format."""
    claim, finding, status = assessed.claim, assessed.finding, assessed.status
    confidence = assessed.confidence
    citation = claim.citation()
    if finding is None:
        evidence = ("No evidence: " + (f"{claim.evidence.not_measured}."
                                       if claim.evidence.not_measured else
                                       "no public checkpoint is registered for this row."
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


def write_verdicts(results_root: Path, results: list[JobResult] | None = None,
                   assessed: list[Assessment] | None = None) -> list[Path]:
    """One file per claim under ``results/verdicts/``, rewritten atomically each time, from
    every stored run (``results``, or the claims already judged: ``assessed``)."""
    from bench.report.leaderboard import load_all
    from harness.records.atomic import atomic_write_json
    from harness.records.paths import inside, safe_name

    if assessed is None:
        assessed = assess_all(load_all(Path(results_root)) if results is None else results)
    out_dir = Path(results_root) / "verdicts"
    written = []
    for a in assessed:
        path = inside(out_dir, out_dir / f"{safe_name(a.claim.id)}.json")
        atomic_write_json(path, verdict_record(a))
        written.append(path)
    return written
