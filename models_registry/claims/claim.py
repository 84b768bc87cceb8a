"""A paper's claim as a declaration: where it is printed, what it says, how to judge it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class PaperVersion:
    id: str  # "2004.02984v2"
    version: int
    source_url: str
    rendered_html_url: str
    rendering_engine: str


@dataclass(frozen=True)
class Paper:
    """Where claims are printed: an arXiv paper, or (``arxiv_id`` None) a model card."""

    arxiv_id: str | None
    title: str
    abstract: str
    primary_category: str
    venue: str
    published_at: str | None  # first version, ISO date (None: a card that states none)
    latest_version: PaperVersion
    withdrawn: bool = False

    @property
    def label(self) -> str:
        return self.arxiv_id or self.title

    def to_record(self) -> dict[str, Any]:
        """The verdict's ``paper`` object (``latest_version`` as the version string)."""
        record = asdict(self)
        record["latest_version"] = self.latest_version.id
        return record


@dataclass(frozen=True)
class Tolerance:
    """``abs``: within ``value`` of the reported number, in its units (points for accuracy).
    ``relative``: within ``value`` × reported either way. ``at_least``: ≥ ``value`` × reported
    (MLPerf's 99% accuracy gate). ``at_most``: ≤ ``value`` × reported (an upper bound)."""

    kind: Literal["abs", "relative", "at_least", "at_most"]
    value: float

    def describe(self) -> str:
        return {"abs": f"within ±{self.value:g} of the reported value",
                "relative": f"within ±{100 * self.value:g}% of the reported value",
                "at_least": f"at least {100 * self.value:g}% of the reported value",
                "at_most": f"at most {100 * self.value:g}% of the reported value"}[self.kind]


@dataclass(frozen=True)
class Evidence:
    """Which stored results judge the claim.

    ``mnli``: model's accuracy on ``split`` from the mnli-proxy suite (score as a fraction,
    reported value in percent). ``squad``: EM or F1 (``metric``) on SQuAD version ``split``.
    ``squad_backend_loss``: the relative F1 loss (percent) of ``backend`` against
    fp32 on SQuAD version ``split``.
    ``param_ratio``: declared parameter counts, ``reference`` / ``model``.
    ``artifact_mb``: the weights' size at precision ``split`` from the declared parameter
    count. ``latency_ratio``: p50 at ``point``, reference / model, from one hardware section.
    """

    kind: str  # a suite's declared evidence kind, or a registry-only one (bench.report)
    model: str | None  # None: no public checkpoint matches the claimed model
    split: str | None = None  # the MNLI split, the SQuAD version, the artefact precision
    reference: str | None = None
    point: tuple[int, int] | None = None
    metric: str | None = None  # which score of the split ("exact" / "f1" for SQuAD)
    backend: str | None = None  # the inference backend compared with fp32 eager
    # Why the suite cannot measure this claim at all (no GPU, …): always inconclusive.
    not_measured: str | None = None


@dataclass(frozen=True)
class Claim:
    id: str
    paper: Paper
    section: str
    row: str
    column: str
    reported_value: float
    reported_metric: str
    quoted_text: str
    pdf_page: int | None
    notes: str
    tolerance: Tolerance
    evidence: Evidence
    # What the paper measured on: "test" / "dev" split, or another setting ("Pixel 4").
    paper_setting: str = "dev"
    # True when the evaluated model was made by a different protocol than the paper's.
    protocol_differs: bool = False

    def citation(self) -> dict[str, Any]:
        return {
            "paper_arxiv_id": self.paper.arxiv_id, "section": self.section, "row": self.row,
            "column": self.column, "reported_value": self.reported_value,
            "reported_metric": self.reported_metric, "quoted_text": self.quoted_text,
            "pdf_page": self.pdf_page, "notes": self.notes,
        }
