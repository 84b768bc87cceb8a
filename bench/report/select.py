"""Which stored results play which role, as their suites declare it (harness.records.roles).

The reports read results through these queries and never by a suite's name, so a suite
added later appears in every table, plot and comparison its declared roles feed.
"""

from __future__ import annotations

from harness.records.metrics import MetricsRecord, PointsRecord, TimedPointsRecord, checked
from harness.records.roles import Architecture, Curves, Evaluation, PointMeasure, Rate
from harness.records.schema import JobResult
from harness.suite import Suite
from suites import SUITES


def suite_of(result: JobResult) -> Suite | None:
    """The suite that made ``result``; None for a suite this checkout no longer has."""
    return SUITES.get(result.suite)


def record(result: JobResult) -> MetricsRecord:
    """``result.metrics`` as the typed record its suite declares (``Suite.metrics_type``),
    the one the store checked when it read the file; the base record, every key in
    ``extra``, for a suite this checkout no longer has."""
    suite = suite_of(result)
    return checked(result, suite.metrics_type if suite is not None else MetricsRecord)


def points(result: JobResult) -> list[dict]:
    """The (batch, seq) points of a result whose suite measures a cost per point."""
    found = record(result)
    return found.points if isinstance(found, PointsRecord) else []


def timed(result: JobResult) -> TimedPointsRecord:
    """The record of a timed sweep; a suite that ``measures`` a timed cost must store one."""
    found = record(result)
    if not isinstance(found, TimedPointsRecord):
        raise TypeError(f"{result.job_id}: suite {result.suite!r} stores "
                        f"{type(found).__name__}, not a TimedPointsRecord")
    return found


def measuring(results: list[JobResult], measure: PointMeasure) -> list[JobResult]:
    """The ok results whose suite measures ``measure`` per point, in the order given."""
    return [r for r in results if r.status == "ok" and (s := suite_of(r)) is not None
            and s.measures == measure]


def measures_cost(result: JobResult) -> bool:
    """Whether ``result`` measured what its model costs (random-init weights suffice)."""
    suite = suite_of(result)
    return suite is not None and suite.measures_cost()


def architectures(results: list[JobResult]) -> dict[str, tuple[JobResult, Architecture]]:
    """model → its counted architecture (the last ok result given wins)."""
    out = {}
    for r in results:
        if r.status == "ok" and (s := suite_of(r)) is not None and (a := s.architecture(r)):
            out[r.model.name] = (r, a)
    return out


def evaluations(results: list[JobResult]) -> list[tuple[str, Evaluation]]:
    """(model, evaluation) for every labelled set every ok result scored, in order."""
    return [(r.model.name, e) for r in results if r.status == "ok"
            and (s := suite_of(r)) is not None for e in s.evaluations(r)]


def rates(results: list[JobResult]) -> list[tuple[JobResult, Rate]]:
    """(result, rate) for every rate every ok result sustains, in order."""
    return [(r, rate) for r in results if r.status == "ok"
            and (s := suite_of(r)) is not None for rate in s.rates(r)]


def rate_names() -> set[str]:
    """The rates any suite declares: the names ``bench compare --fail-on`` accepts."""
    return {name for s in SUITES.values() for name in s.rate_names}


def curves(results: list[JobResult]) -> list[Curves]:
    """Every figure of curves the suites draw from these (one section's) results."""
    out = []
    for suite in SUITES.values():
        mine = [r for r in results if r.status == "ok" and r.suite == suite.name]
        if mine:
            out += suite.curves(mine)
    return out
