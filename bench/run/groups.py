"""Which pending jobs run together: the jobs of a suite that declares a ``group_key`` and
give the same key share one worker (the latency suite times them in interleaved rounds).

A group lives in one process, so it must fit in memory: when the estimate exceeds half of
what the machine has available, it is split by backend (ratios between models on one
backend stay paired), then into chunks. Never imports torch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from bench.run.jobs import JobSpec
from suites import get_suite

PROCESS_MIB = 450  # Python, torch, transformers, onnxruntime imported once
ACTIVATIONS_MIB = 400  # a b8/s512 forward of a BERT-base-sized model, about
UNKNOWN_PARAMETERS = 110_000_000  # an undeclared model is taken as BERT-base-sized
MEMORY_SHARE = 0.5


def estimated_mib(spec: JobSpec) -> float:
    """What one job adds to a group's process: its weights about three times over (the
    model, a converted copy, the parity model) and its activations."""
    parameters = spec.model.n_parameters or UNKNOWN_PARAMETERS
    return 3 * 4 * parameters / 2**20 + ACTIVATIONS_MIB


def available_mib() -> float:
    import psutil

    return psutil.virtual_memory().available / 2**20


def group_jobs(specs: list[JobSpec], budget_mib: float | None = None,
               estimate: Callable[[JobSpec], float] = estimated_mib) -> list[list[JobSpec]]:
    """The jobs in run order, grouped: a group starts where its first job stood."""
    budget = (MEMORY_SHARE * available_mib() if budget_mib is None else budget_mib)
    slots: list[list[JobSpec]] = []  # in run order; a group's slot is where its first stood
    by_key: dict[tuple[str, str], list[JobSpec]] = {}
    for spec in specs:
        key = get_suite(spec.suite).group_key(spec.config)
        if key is None:
            slots.append([spec])
        elif (spec.suite, key) in by_key:
            by_key[(spec.suite, key)].append(spec)
        else:
            by_key[(spec.suite, key)] = [spec]
            slots.append(by_key[(spec.suite, key)])
    return [group for slot in slots for group in _fit(slot, budget, estimate)]


def _fit(group: list[JobSpec], budget: float, estimate: Callable[[JobSpec], float]
         ) -> list[list[JobSpec]]:
    def fits(jobs: list[JobSpec]) -> bool:
        return PROCESS_MIB + sum(estimate(s) for s in jobs) <= budget

    if fits(group):
        return [group]
    by_backend: dict[str | None, list[JobSpec]] = defaultdict(list)
    for spec in group:
        by_backend[spec.config.get("backend")].append(spec)
    out: list[list[JobSpec]] = []
    for jobs in by_backend.values():
        chunk: list[JobSpec] = []
        for spec in jobs:
            if chunk and not fits([*chunk, spec]):
                out.append(chunk)
                chunk = []
            chunk.append(spec)
        out.append(chunk)
    return out
