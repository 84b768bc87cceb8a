"""The shape of the nested blocks reports read, declared beside each suite's record.

A result file is someone else's JSON: a ``parity`` block whose ``max_abs_logit_diff`` is a
string, or a ``ci95`` that is not a pair, would raise deep inside a report and stop the
whole publish. Each record declares the blocks it stores (``MetricsRecord.shapes``) with
the keys reports read; a file that does not fit is skipped when read, with the key named.
"""

from __future__ import annotations

import math
import typing
from dataclasses import dataclass, field
from typing import Any

from harness.records.schema import ResultSchemaError, check_type


@dataclass(frozen=True)
class Obj:
    """A JSON object with ``keys`` (a key ending in ``?`` may be absent), each value of
    the given shape; ``each``: the shape of every value (a mapping by name); ``nullable``:
    null is allowed in its place."""

    keys: dict[str, Any] = field(default_factory=dict)
    each: Any = None
    nullable: bool = False


PAIR = object()  # a [low, high] pair of finite numbers (a CI)


def check_shape(value: Any, spec: Any, where: str, *, non_negative: bool = False) -> None:
    """``value`` fits ``spec`` (an :class:`Obj`, :data:`PAIR` or a type hint), numbers
    finite (and ≥ 0 with ``non_negative``); else :class:`ResultSchemaError` naming where."""
    if isinstance(spec, Obj):
        if value is None and spec.nullable:
            return
        if not isinstance(value, dict):
            raise ResultSchemaError(f"{where} must be an object")
        for key, sub in spec.keys.items():
            name = key.rstrip("?")
            if name not in value:
                if key.endswith("?"):
                    continue
                raise ResultSchemaError(f"{where} misses {name!r}")
            check_shape(value[name], sub, f"{where}.{name}", non_negative=non_negative)
        if spec.each is not None:
            for name, item in value.items():
                check_shape(item, spec.each, f"{where}.{name}", non_negative=non_negative)
        return
    if spec is PAIR:
        if not (isinstance(value, list) and len(value) == 2):
            raise ResultSchemaError(f"{where} must be a [low, high] pair")
        _numbers(value, where, non_negative)
        return
    check_type(value, spec, where)
    kinds = {a for a in (typing.get_args(spec) or (spec,)) if a is not type(None)}
    if value is not None and kinds and kinds <= {int, float}:
        _numbers(value if isinstance(value, list) else [value], where, non_negative,
                 integral=kinds == {int})


def _numbers(values: list[Any], where: str, non_negative: bool, integral: bool = False
             ) -> None:
    for number in values:
        if (not isinstance(number, int if integral else int | float)
                or isinstance(number, bool) or not math.isfinite(number)
                or (non_negative and number < 0)):
            rule = ("integers" if integral else "finite numbers") + (
                " ≥ 0" if non_negative else "")
            raise ResultSchemaError(f"{where} must hold {rule}, got {str(number)[:40]!r}")


# One labelled set scored (harness.accuracy.metrics.classification_metrics): what the
# summary, the accuracy tables, McNemar, compare and the plots read of it.
EVALUATION = Obj({
    "n": int, "accuracy": float, "ci95": Obj({"accuracy": PAIR}),
    "data": Obj({"fingerprint": str}), "f1_weighted?": float, "ece?": float,
    "confusion_matrix?": Obj({"labels": list, "rows_true_cols_pred": list[list]}),
    "per_class?": Obj(each=Obj({"support?": int})),
    "positive_class?": str, "labels?": list[int], "predictions?": list[int],
    "operating_points?": Obj(each=Obj({"recall": float | None, "fpr": float | None})),
    **{f"{k}?": float | None for k in ("fpr", "fnr", "roc_auc", "pr_auc", "mcc",
                                       "balanced_accuracy")},
})
# A news set: the news tables also print weighted F1 and the calibration error.
NEWS_EVALUATION = Obj({**EVALUATION.keys, "f1_weighted": float, "ece": float})
