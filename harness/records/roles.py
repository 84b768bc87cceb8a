"""What a suite's results are, for the reports: the roles a suite declares.

Reports (``bench/report/``) never test a suite's name. They ask which results measure a
cost per point (:class:`PointMeasure`), which describe the architecture
(:class:`Architecture`), which hold evaluations on labelled sets (:class:`Evaluation`), and
which claim evidence a suite can give (:class:`Finding`). A new suite that declares a role
shows up in every table, plot, comparison and verdict that reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from harness.records.metrics import SetScores

if TYPE_CHECKING:
    from harness.records.schema import JobResult
    from models_registry.claims import Claim


@dataclass(frozen=True)
class PointMeasure:
    """A hardware-bound cost per (batch, seq) point, stored in ``metrics["points"]``."""

    name: str  # the compare gate's metric: --fail-on NAME=…
    value_key: str  # the point's headline figure
    label: str  # as tables print it
    # Per-call samples in the point: compared statistically; without, one measurement.
    samples_key: str | None = None


LATENCY = PointMeasure("latency", "p50_ms", "p50 ms", "samples_ms")
MEMORY = PointMeasure("memory", "peak_forward_mib", "peak MiB")
POINT_MEASURES = (LATENCY, MEMORY)


@dataclass(frozen=True)
class Rate:
    """A rate a result sustains under a stated condition (higher is better): compared by
    ``bench compare`` (``--fail-on NAME=PCT%``) within one machine and thread count."""

    name: str  # the gate's metric, one of the suite's ``rate_names``
    where: str  # the condition and setup it holds under: "p99≤130ms 1x2"
    unit: str
    value: float
    # The measurement's own resolution, in % of ``value``: the search's bracket and the
    # spread of its repeats; a change must exceed it to count.
    resolution_pct: float


@dataclass(frozen=True)
class Curves:
    """One figure of a y-versus-x curve per model (a section's results): points that met
    the condition filled, the others hollow; ``y_line`` a bound drawn across."""

    slug: str  # the file name's stem
    title: str
    x_label: str
    y_label: str
    series: dict[str, list[tuple[float, float, bool]]]  # model → [(x, y, met)]
    y_line: float | None = None
    y_line_label: str = ""


@dataclass(frozen=True)
class Architecture:
    """What the model is, whatever it runs on: counted from the built model."""

    parameters: int
    fp32_mib: float
    flops_per_forward: dict[str, int]  # sequence length (as text) → FLOPs of one forward
    flops_counted: str | None = None  # how the FLOPs were counted


@dataclass(frozen=True)
class Evaluation:
    """A model's predictions scored on one labelled set."""

    label: str  # unique across suites: "in-domain test", "external: <set>", "MNLI <split>"
    set_name: str  # the set as its suite names it
    metrics: dict[str, Any]  # as the suite stored it; the reports read :attr:`scores`
    # The leaderboard summary column it feeds; several sets feeding one column each get a
    # column of their own, named by the set (never a mean over sets).
    summary_column: str | None = None
    # The suite lists the set's most confident mistakes (``metrics["confident_mistakes"]``).
    lists_mistakes: bool = False

    @cached_property
    def scores(self) -> SetScores:
        """:attr:`metrics` as a typed record."""
        return SetScores.from_dict(self.metrics, source=self.label)


@dataclass
class Finding:
    """What the evidence says about a claim, in the claim's reported units."""

    value: float  # in reported units (accuracy in percent)
    score: float  # as the verdict states it (accuracy as a fraction)
    ci: tuple[float, float] | None  # reported units
    protocol_match: str
    computed_at: str
    provenance: str
    git_sha: str | None = None


# claim → evidence in the results, or None when they hold none
EvidenceFinder = Callable[["Claim", list["JobResult"]], "Finding | None"]


def protocol_match(claim: Claim, checkpoint_origin: str, protocol: str) -> str:
    """How an accuracy figure's protocol matches the claim's: a model fine-tuned here (or a
    claim marked as made differently) is a mismatch; the whole dev set of the authors'
    checkpoint is exact; a slice, or another split than the paper's, a proxy."""
    if claim.protocol_differs or checkpoint_origin == "fine-tuned-here":
        return "mismatch"
    if protocol == "full" and claim.paper_setting == "dev":
        return "exact"
    return "proxy"


def provenance(r: JobResult) -> str:
    """Which job, run, code and weights a figure came from, as a verdict cites it."""
    return (f"job {r.job_id} (run {r.run_id}, git {(r.git.sha or 'unknown')[:10]}, "
            f"weights {r.model.weights_source}"
            f"{' @' + r.model.revision if r.model.revision else ''})")

