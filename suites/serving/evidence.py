"""Serving claims judged from this suite's results: a Server QPS ratio at the p99 bound
(``server_qps_ratio``) and a cold-start ratio (``cold_start_ratio``), the reference's over
the model's, from one hardware section and backend (``harness.evidence.paired_section``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.backends import backend_of
from harness.evidence import paired_section
from harness.records.roles import Finding, provenance

if TYPE_CHECKING:
    from harness.records.schema import JobResult
    from models_registry.claims import Claim

GPU_NOTE = ("CPU evidence for a claim about GPUs: it shows how many requests per second each "
            "model sustains under the p99 bound on this CPU, with the same dynamic batching "
            "and padding the claim names; it does not show GPU throughput, where large "
            "batches amortize differently and memory bandwidth, not arithmetic, often "
            "limits BERT-base")


def _pair(claim: Claim, results: list[JobResult]) -> tuple[JobResult, JobResult] | None:
    """(model's, reference's) newest ok results of one machine, threads and backend."""
    section = paired_section(results, claim.evidence.model, claim.evidence.reference)
    if section is None:
        return None
    return section[claim.evidence.model], section[claim.evidence.reference]


def _where(r: JobResult) -> str:
    return (f"backend {backend_of(r)}, {r.config.get('threads')} thread(s), hardware "
            f"{r.hardware_fingerprint} ({r.environment.cpu_model})")


def server_qps_ratio(claim: Claim, results: list[JobResult]) -> Finding | None:
    from suites.serving.report import qps_ratio

    pair = _pair(claim, results)
    if pair is None:
        return None
    mine, ref = pair
    ratio = qps_ratio(mine, ref)
    if isinstance(ratio, str):
        return None
    value, low, high = ratio
    bound = mine.metrics["latency_bound_ms"]
    gpu = "gpu" in (claim.paper_setting or "").lower()
    cited = (f"Server QPS at p99 ≤ {bound:g} ms (MLPerf LoadGen, Poisson arrivals): "
             f"{claim.evidence.model} {mine.metrics['server']['qps']:.1f} "
             f"({mine.metrics['server']['layout']}) / {claim.evidence.reference} "
             f"{ref.metrics['server']['qps']:.1f} ({ref.metrics['server']['layout']}), "
             f"interval from the searches' brackets and repeats; "
             f"{mine.metrics['batching']['label']}, {mine.metrics['requests']['set']} "
             f"requests; {_where(mine)}; " + (f"{GPU_NOTE}; " if gpu else "")
             + provenance(mine))
    return Finding(value, round(value, 4), (low, high), "mismatch" if gpu else "proxy",
                   max(mine.finished_at, ref.finished_at), cited, mine.git.sha)


def cold_start_ratio(claim: Claim, results: list[JobResult]) -> Finding | None:
    pair = _pair(claim, results)
    if pair is None:
        return None
    mine, ref = pair
    a, b = mine.metrics.get("cold_start"), ref.metrics.get("cold_start")
    if not a or not b:
        return None
    ta = [run["total_s"] for run in a["runs"]]
    tb = [run["total_s"] for run in b["runs"]]
    value = b["median"]["total_s"] / a["median"]["total_s"]
    cited = (f"median cold start (fresh process to first answer, {a['processes']} and "
             f"{b['processes']} processes): {claim.evidence.reference} "
             f"{b['median']['total_s']:.2f} s / {claim.evidence.model} "
             f"{a['median']['total_s']:.2f} s (imports {a['median']['imports_s']:.2f} s of "
             f"it); interval: slowest over fastest process each way; "
             f"{_where(mine)}; " + provenance(mine))
    return Finding(value, round(value, 4), (min(tb) / max(ta), max(tb) / min(ta)), "proxy",
                   max(mine.finished_at, ref.finished_at), cited, mine.git.sha)


EVIDENCE = {"server_qps_ratio": server_qps_ratio, "cold_start_ratio": cold_start_ratio}
