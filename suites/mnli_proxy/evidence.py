"""MNLI accuracy claims judged from this suite's results (``Claim.evidence.kind == "mnli"``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.records.roles import Finding, protocol_match, provenance

if TYPE_CHECKING:
    from harness.records.schema import JobResult
    from models_registry.claims import Claim


def mnli_accuracy(claim: Claim, results: list[JobResult]) -> Finding | None:
    """The claimed model's accuracy on the claimed split, from the largest evaluation (then
    the newest) among this suite's ``results``; the protocol is exact only for the full dev
    split of the authors' model."""
    split = claim.evidence.split
    found = [r for r in results if r.status == "ok" and r.model.name == claim.evidence.model]
    if not found:
        return None
    best = max(found, key=lambda r: (r.metrics["splits"][split]["n"], r.finished_at))
    m = best.metrics["splits"][split]
    low, high = m["ci95"]["accuracy"]
    match = protocol_match(claim, best.metrics["checkpoint_origin"], best.metrics["protocol"])
    data = m["data"]
    cited = (f"{provenance(best)}; {split} n={m['n']} of "
             f"{data.get('notes', {}).get('sampled_from', m['n'])}, data sha256 "
             f"{data['fingerprint'][:16]}, labels by "
             f"{best.metrics['label_mapping']['decided_by']}, checkpoint "
             f"{best.metrics['checkpoint_origin']}")
    return Finding(100 * m["accuracy"], round(m["accuracy"], 4), (100 * low, 100 * high), match,
                   best.finished_at, cited, best.git.sha)
