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
