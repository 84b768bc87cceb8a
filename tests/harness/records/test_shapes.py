"""A stored block that does not have the shape reports read makes its file skipped,
named; it never stops a report."""

from __future__ import annotations

import json
import random

import pytest

from bench.report.publish import summary
from bench.run.store import RunStore, iter_results
from harness.records.schema import ResultSchemaError
from harness.records.shapes import PAIR, Obj, check_shape
from tests.factories import board_text, fixture_results


def test_check_shape_names_the_key_that_does_not_fit():
    spec = Obj({"a": int, "b?": float | None, "ci": PAIR, "each": Obj(each=Obj({"v": float}))})
    check_shape({"a": 1, "ci": [0.1, 0.2], "each": {"x": {"v": 1.0}}}, spec, "f")
    for bad, message in [
        ({"ci": [0, 1], "each": {}}, "f misses 'a'"),
        ({"a": 1.5, "ci": [0, 1], "each": {}}, "f.a must be an integer"),
        ({"a": 1, "b": "x", "ci": [0, 1], "each": {}}, "f.b must be a number or null"),
        ({"a": 1, "ci": [0], "each": {}}, "f.ci must be a \\[low, high\\] pair"),
        ({"a": 1, "ci": [0, float("nan")], "each": {}}, "f.ci must hold finite numbers"),
        ({"a": 1, "ci": [0, 1], "each": {"x": {"v": "fast"}}}, "f.each.x.v must be a number"),
    ]:
        with pytest.raises(ResultSchemaError, match=message):
            check_shape(bad, spec, "f")


def _leaves(obj, path=()):
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(obj, list) and obj:
        yield from _leaves(obj[0], (*path, 0))
    if path:
        yield path


def test_any_one_mangled_field_is_skipped_or_read_never_a_crash_in_the_reports(tmp_path):
    base = [r.to_dict() for r in fixture_results()]
    rng = random.Random(0)
    cases = [(i, leaf) for i, record in enumerate(base)
             for leaf in _leaves(record["metrics"], ("metrics",))]
    for n, (i, leaf) in enumerate(rng.sample(cases, 60)):
        root = tmp_path / str(n)
        store = RunStore(root, "run-1")
        store.dir.mkdir(parents=True)
        for j, record in enumerate(base):
            record = json.loads(json.dumps(record))
            if j == i:
                target = record
                for key in leaf[:-1]:
                    target = target[key]
                target[leaf[-1]] = rng.choice(["x", None, -1, [], {}])
            record["job_id"] = f"job-{j}"
            (store.dir / f"job-{j}.json").write_text(json.dumps(record), encoding="utf-8")
        results = list(iter_results(root))
        board_text(results)  # raises on a block a report cannot read
        summary(results)
