"""What claim evidence from two models has to share, whichever suite measured it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.backends import REFERENCE, backend_of

if TYPE_CHECKING:
    from harness.records.schema import JobResult


def paired_section(results: list[JobResult], model: str, reference: str
                   ) -> dict[str, JobResult] | None:
    """The newest ok result per model of one (hardware, threads, backend) section that holds
    both ``model`` and ``reference``: fp32 eager first (the papers' models ran in float),
    then the fewest threads (one core is the nearer proxy for a phone), then the newest."""
    sections: dict[tuple, dict[str, JobResult]] = {}
    for r in sorted(results, key=lambda r: r.finished_at):
        if r.status == "ok":
            key = (r.hardware_fingerprint, r.config.get("threads"), backend_of(r))
            sections.setdefault(key, {})[r.model.name] = r
    usable = [(key, s) for key, s in sections.items() if model in s and reference in s]
    if not usable:
        return None
    _, section = max(usable, key=lambda ks: (ks[0][2] == REFERENCE, -int(ks[0][1] or 0),
                                             max(r.finished_at for r in ks[1].values())))
    return section
