"""A suite's metric record: the declared shape of ``JobResult.metrics``.

Each suite declares one (``Suite.metrics_type``, in ``suites/<suite>/record.py``): a
keyword-only dataclass whose fields are the keys its results carry, with their JSON types.
``from_dict`` checks a stored or freshly made object against it and names the key that
does not fit; ``to_dict`` gives back exactly the object it was read from (keys a newer
writer added survive in ``extra``), so the stored JSON never changes shape by being read.
Fields added in a later version have defaults: older files still read.
"""

from __future__ import annotations

import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar

from harness.records.schema import ResultSchemaError, check_type
from harness.records.shapes import Obj, check_shape


@dataclass(kw_only=True)
class MetricsRecord:
    """Base of every suite's metric record."""

    # Keys the record was read with that it does not declare (a newer writer's), kept.
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    # The declared keys present when read; None: made in code, every field is present.
    _present: frozenset[str] | None = field(default=None, repr=False, compare=False)

    _hints: ClassVar[dict[type, dict[str, Any]]] = {}
    # The nested blocks reports read, by field (harness.records.shapes): a stored block that
    # does not fit makes the file unreadable, named, instead of a crash in a report.
    shapes: ClassVar[dict[str, Any]] = {}

    @classmethod
    def declared(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("extra", "_present")]

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<metrics>"):
        if not isinstance(data, dict):
            raise ResultSchemaError(f"{source}: metrics must be an object")
        if cls not in MetricsRecord._hints:
            MetricsRecord._hints[cls] = typing.get_type_hints(cls)
        hints = MetricsRecord._hints[cls]
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("extra", "_present"):
                continue
            if f.name not in data:
                if f.default is MISSING and f.default_factory is MISSING:
                    raise ResultSchemaError(f"{source}: metrics of a {cls.__name__} miss "
                                            f"{f.name!r}")
                continue
            check_type(data[f.name], hints[f.name], f"{source}: metrics.{f.name}")
            values[f.name] = data[f.name]
        for name, shape in cls.shapes.items():
            if values.get(name) is not None:
                check_shape(values[name], shape, f"{source}: metrics.{name}")
        extra = {k: v for k, v in data.items() if k not in values}
        return cls(**values, extra=extra, _present=frozenset(values))

    def to_dict(self) -> dict[str, Any]:
        keys = self.declared() if self._present is None else [
            k for k in self.declared() if k in self._present]
        return {**{k: getattr(self, k) for k in keys}, **self.extra}


@dataclass(kw_only=True)
class PointsRecord(MetricsRecord):
    """A sweep over (batch, seq) points: what the latency and memory suites store."""

    points: list[dict[str, Any]]
    skipped: list[Any] = field(default_factory=list)  # points the architecture cannot take

    # Each point's keys that reports read, with their JSON types (``optional_point_fields``:
    # checked where present). A point that lacks one, holds another type, or a number that
    # is not finite and non-negative, makes the file unreadable: it is skipped with a
    # warning naming the point and the key, and never reaches a table as a crash.
    point_fields: ClassVar[dict[str, Any]] = {"batch_size": int, "seq_len": int}
    optional_point_fields: ClassVar[dict[str, Any]] = {}
    non_negative: ClassVar[bool] = True  # every number in a point is ≥ 0 (times, counts)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<metrics>"):
        record = super().from_dict(data, source=source)
        shape = cls.point_shape()
        for i, point in enumerate(record.points):
            check_shape(point, shape, f"{source}: metrics.points[{i}]",
                        non_negative=cls.non_negative)
        return record

    @classmethod
    def point_shape(cls) -> Obj:
        return Obj({**cls.point_fields, **{f"{k}?": v for k, v in
                                           cls.optional_point_fields.items()}})


@dataclass(kw_only=True)
class TimedPointsRecord(PointsRecord):
    """A timed sweep through one inference backend: what the reports read besides the
    points (the backend table, the parity gate, the roofline and the A/A control). A suite
    that ``measures`` a timed cost stores one of these (or a subclass)."""

    backend: str | None = None  # absent before the backend axis: the reference
    precision: str | None = None  # fp32 / bf16 / int8; None for the TF-IDF baseline
    prepare_s: float | None = None  # conversion or compilation, paid once
    parity: dict[str, Any] | None = None  # the parity gate of a non-reference backend
    machine_peak: dict[str, Any] | None = None  # measured GEMM peaks the % peak refers to
    peak_gflops_used: float | None = None
    interleaving: dict[str, Any] | None = None  # group, entries, plan, A/A control


DETECTION_SCORES = ("roc_auc", "pr_auc", "mcc", "balanced_accuracy")


@dataclass(kw_only=True)
class SetScores(MetricsRecord):
    """One labelled set scored (``harness.accuracy.metrics``), as the reports read it: the
    figures, their CIs, and the per-row labels and predictions where the suite kept them
    (what McNemar and the paired bootstraps need). Checked against
    ``harness.records.shapes.EVALUATION`` when its result was read."""

    n: int
    accuracy: float
    ci95: dict[str, Any]
    data: dict[str, Any]  # the set: its fingerprint, rows, source
    f1_weighted: float | None = None
    ece: float | None = None
    confusion_matrix: dict[str, Any] | None = None  # labels, rows_true_cols_pred
    per_class: dict[str, Any] | None = None
    positive_class: str | None = None  # a detection task's positive class
    labels: list[int] | None = None
    predictions: list[int] | None = None
    positive_scores: list[float] | None = None
    operating_points: dict[str, Any] | None = None
    fpr: float | None = None
    fnr: float | None = None
    roc_auc: float | None = None
    pr_auc: float | None = None
    mcc: float | None = None
    balanced_accuracy: float | None = None
    confident_mistakes: list[Any] | None = None
    backends: dict[str, Any] | None = None  # the same rows re-scored through other backends

    @property
    def fingerprint(self) -> str | None:
        return self.data.get("fingerprint")

    def classes_present(self) -> list[str]:
        return present_classes(self.per_class)

    def detection(self, key: str) -> float | None:
        """One of the detection scores by its stored name (roc_auc, pr_auc, mcc,
        balanced_accuracy): the compare gate iterates over them."""
        if key not in DETECTION_SCORES:
            raise KeyError(f"{key!r} is not a detection score ({', '.join(DETECTION_SCORES)})")
        return getattr(self, key)


def present_classes(per_class: dict[str, Any] | None) -> list[str]:
    """The classes a scored set holds (support > 0), from its stored ``per_class``."""
    return [name for name, c in (per_class or {}).items() if c.get("support")]


# Where a result keeps its checked record: an attribute, not a dataclass field, so it is
# never written and a copy (``dataclasses.replace``) checks again.
_CHECKED = "_checked_metrics"


def checked(result: Any, kind: type[MetricsRecord], *, source: str | None = None
            ) -> MetricsRecord:
    """``result.metrics`` read as ``kind``, checked once per result: the store checks it
    when it reads the file and the reports reuse that record; made again only when
    ``metrics`` was replaced. It lives and dies with the result (no cache to grow)."""
    held = vars(result).get(_CHECKED)
    if held is None or held[0] is not result.metrics or type(held[1]) is not kind:
        held = (result.metrics, kind.from_dict(result.metrics,
                                                source=source or result.job_id))
        vars(result)[_CHECKED] = held
    return held[1]
