"""What the HTML page can be filtered by: the hardware, thread counts, backends and
precisions the current results hold (``bench.report.html_page`` draws the controls)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.report import select
from harness.backends import BACKENDS, backend_of
from harness.records.metrics import TimedPointsRecord
from harness.records.schema import JobResult


@dataclass(frozen=True)
class Facets:
    hardware: list[tuple[str, str]]  # (fingerprint, its CPU model)
    threads: list[str]
    precision_of: dict[str, str]  # backend → its precision

    @property
    def precisions(self) -> list[str]:
        return sorted(set(self.precision_of.values()))


def _precision(result: JobResult) -> str:
    """A result's precision as it stored it; else as its backend declares it."""
    if result.status == "ok" and select.suite_of(result) is not None:
        found = select.record(result)
        if isinstance(found, TimedPointsRecord) and found.precision:
            return found.precision
    backend = BACKENDS.get(backend_of(result))
    return backend.precision if backend is not None else "unknown"


def facets(results: list[JobResult]) -> Facets:
    """The values present in ``results`` (the current ones: newest per job)."""
    hardware = {r.hardware_fingerprint: r.environment.cpu_model or "unknown CPU"
                for r in sorted(results, key=lambda r: (r.finished_at, r.job_id))}
    threads = sorted({str(r.config.get("threads")) for r in results},
                     key=lambda t: (not t.isdigit(), int(t) if t.isdigit() else 0, t))
    with_backend = [r for r in results if r.config.get("backend")
                    or select.measures_cost(r)]
    return Facets(sorted(hardware.items()), threads,
                  dict(sorted((backend_of(r), _precision(r)) for r in with_backend)))
