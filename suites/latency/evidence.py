"""Speed claims judged from this suite's results (``Claim.evidence.kind ==
"latency_ratio"``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.backends import REFERENCE, backend_of
from harness.evidence import paired_section
from harness.ratios import speed_factors, speed_ratio
from harness.records.roles import Finding, provenance

if TYPE_CHECKING:
    from harness.records.schema import JobResult
    from models_registry.claims import Claim


def speed_ratio_claim(claim: Claim, results: list[JobResult]) -> Finding | None:
    """The reference's p50 over the model's at the claimed point, from this suite's
    ``results``: both models in one hardware section on one backend, fp32 eager preferred
    (the papers' models ran in float), then the fewest threads, then the newest section;
    paired by round when both were timed in one interleaved group."""
    point = tuple(claim.evidence.point)
    section = paired_section(results, claim.evidence.model, claim.evidence.reference)
    if section is None:
        return None

    def at_point(r: JobResult) -> dict | None:
        return next((p for p in r.metrics["points"]
                     if (p["batch_size"], p["seq_len"]) == point), None)

    mine, ref = at_point(section[claim.evidence.model]), at_point(
        section[claim.evidence.reference])
    if mine is None or ref is None:
        return None
    ratio = speed_ratio(ref, mine)
    factors = speed_factors(ref, mine, ratio.value)
    names = (claim.evidence.model, claim.evidence.reference)
    r_model = section[claim.evidence.model]
    how = (f"paired over {ratio.n} interleaved rounds" if ratio.paired
           else "timed apart, bootstrap CI")
    cited = (f"p50 b{point[0]}/s{point[1]}: {claim.evidence.reference} "
             f"{ref['p50_ms']:.1f} ms / {claim.evidence.model} {mine['p50_ms']:.1f} ms "
             f"({how}), "
             f"backend {backend_of(r_model)} ({r_model.runtime.get('dtype', 'float32')}, "
             f"attention {r_model.runtime.get('attn_implementation', 'n/a')}), "
             f"{r_model.config.get('threads')} thread(s), hardware "
             f"{r_model.hardware_fingerprint} ({r_model.environment.cpu_model}); "
             + (f"{factors.explain(claim.reported_value, *names)}; " if factors else "")
             + provenance(r_model))
    return Finding(ratio.value, round(ratio.value, 4), (ratio.low, ratio.high),
                   "proxy", max(r.finished_at for r in section.values()), cited,
                   r_model.git.sha)


def p90_ms_claim(claim: Claim, results: list[JobResult]) -> Finding | None:
    """The model's p90 at the claimed point on the claimed backend (a phone proxy: the
    ExecuTorch XNNPACK runtime), at the fewest threads timed, the newest such result."""
    point = tuple(claim.evidence.point)
    found = [(r, p) for r in results if r.status == "ok"
             and r.model.name == claim.evidence.model
             and backend_of(r) == (claim.evidence.backend or REFERENCE)
             for p in r.metrics["points"] if (p["batch_size"], p["seq_len"]) == point]
    if not found:
        return None
    r, p = max(found, key=lambda rp: (-int(rp[0].config.get("threads") or 0),
                                      rp[0].finished_at))
    cited = (f"p90 b{point[0]}/s{point[1]} {p['p90_ms']:.1f} ms (p50 {p['p50_ms']:.1f} ms), "
             f"backend {backend_of(r)}, {r.config.get('threads')} thread(s) on hardware "
             f"{r.hardware_fingerprint} ({r.environment.cpu_model}): a server CPU core "
             "standing in for a phone core, not a phone; " + provenance(r))
    return Finding(p["p90_ms"], round(p["p90_ms"], 4), None, "proxy", r.finished_at, cited,
                   r.git.sha)
