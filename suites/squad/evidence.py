"""SQuAD EM / F1 claims judged from this suite's results (``Claim.evidence.kind == "squad"``;
``split`` is the SQuAD version, ``metric`` "exact" or "f1")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.qa.metrics import headline
from harness.records.roles import Finding, protocol_match, provenance

if TYPE_CHECKING:
    from harness.records.schema import JobResult
    from models_registry.claims import Claim


def _largest(found: list[JobResult], version: str) -> JobResult:
    """The evaluation of ``version`` on the most questions, then the newest."""
    return max(found, key=lambda r: (r.metrics["versions"][version]["data"]["n"],
                                     r.finished_at))


def squad_score(claim: Claim, results: list[JobResult]) -> Finding | None:
    """The claimed model's score on the claimed version, from the largest evaluation (then the
    newest). v2.0 takes the best no-answer threshold, as BERT's reference recipe tunes it on
    dev; v1.1 has no threshold. Exact protocol only for the whole dev set of a hub checkpoint."""
    version, metric = claim.evidence.split, claim.evidence.metric or "f1"
    found = [r for r in results if r.status == "ok" and r.model.name == claim.evidence.model
             and r.metrics["versions"].get(version, {}).get("status") == "ok"]
    if not found:
        return None
    best = _largest(found, version)
    record = best.metrics["versions"][version]
    block = headline(record["scores"], version)
    ci = block["ci95"][metric]
    match = protocol_match(claim, record["checkpoint"], best.metrics["protocol"])
    data = record["data"]
    cited = (f"{provenance(best)}; SQuAD v{version} n={data['n']} of {data['sampled_from']}, "
             f"data sha256 {data['fingerprint'][:16]}, checkpoint {record['checkpoint']}"
             + (", best no-answer threshold on the evaluated questions" if version == "2.0"
                else ""))
    return Finding(block[metric], round(block[metric] / 100, 4),
                   tuple(ci) if ci else None, match, best.finished_at, cited, best.git.sha)


def squad_backend_loss(claim: Claim, results: list[JobResult]) -> Finding | None:
    """The relative F1 loss (percent of fp32's F1) of backend ``claim.evidence.backend`` on
    SQuAD version ``split``, from the largest evaluation that ran it (then the newest). No CI:
    the loss is a ratio of two scores on the same questions."""
    version, backend = claim.evidence.split, claim.evidence.backend

    def scored(r: JobResult) -> dict | None:
        record = r.metrics["versions"].get(version, {})
        found = record.get("backends", {}).get(backend, {})
        return found if found.get("f1_relative_loss_pct") is not None else None

    found = [r for r in results if r.status == "ok" and r.model.name == claim.evidence.model
             and scored(r)]
    if not found:
        return None
    best = _largest(found, version)
    record, compared = best.metrics["versions"][version], scored(best)
    loss = compared["f1_relative_loss_pct"]
    cited = (f"{provenance(best)}; SQuAD v{version} n={record['data']['n']}, {backend} F1 "
             f"{compared['f1_delta_pts']:+.2f} pts vs fp32, answers agreeing "
             f"{100 * compared['agreement']:.1f}%, checkpoint {record['checkpoint']}")
    match = protocol_match(claim, record["checkpoint"], best.metrics["protocol"])
    return Finding(loss, round(loss / 100, 5), None, match, best.finished_at, cited,
                   best.git.sha)
