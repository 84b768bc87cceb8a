from __future__ import annotations

import json

import pytest

from bench.run.store import RunStore, iter_results
from bench.run.worker import _checked
from harness.records.metrics import MetricsRecord
from harness.records.schema import ResultSchemaError
from harness.suite import SuiteOutput
from suites import SUITES
from suites.latency.record import LatencyMetrics
from suites.static.record import StaticMetrics
from tests.factories import make_result, news_metrics, static_metrics, timed_point


def test_every_suite_declares_its_metric_record():
    for suite in SUITES.values():
        assert issubclass(suite.metrics_type, MetricsRecord), suite.name
        assert suite.metrics_type is not MetricsRecord, suite.name


def test_a_record_reads_and_gives_back_exactly_the_stored_object():
    stored = {"points": [timed_point(1, 128, 10.0)], "skipped": [], "backend": "onnxruntime",
              "a_key_from_a_newer_version": [1, 2]}
    record = LatencyMetrics.from_dict(stored)
    assert record.backend == "onnxruntime" and record.points == stored["points"]
    assert record.extra == {"a_key_from_a_newer_version": [1, 2]}
    assert record.to_dict() == stored
    old = {"points": []}  # before the backend axis, skipped points and interleaving
    assert LatencyMetrics.from_dict(old).to_dict() == old
    assert LatencyMetrics.from_dict(old).backend is None


def test_a_missing_or_mistyped_key_is_named():
    with pytest.raises(ResultSchemaError, match=r"f\.json: metrics of a StaticMetrics miss "
                                                r"'fp32_mib'"):
        StaticMetrics.from_dict({"parameters": 1, "embedding_parameters": 0,
                                 "flops_per_forward": {}}, source="f.json")
    bad = {**static_metrics(10), "parameters": "ten"}
    with pytest.raises(ResultSchemaError, match=r"metrics\.parameters must be an integer"):
        StaticMetrics.from_dict(bad)


def test_a_suite_output_that_drifted_from_its_record_fails_its_job():
    suite = SUITES["welfake"]
    good = SuiteOutput(metrics=news_metrics(50, 0.8), runtime={}, weights=None)
    assert _checked(suite, good) is good
    drifted = SuiteOutput(metrics={"test": {}}, runtime={}, weights=None)
    error = _checked(suite, drifted)
    assert isinstance(error, ResultSchemaError) and "'data'" in str(error)


def test_a_stored_result_whose_metrics_do_not_fit_is_skipped_with_its_name(tmp_path, capsys):
    store = RunStore(tmp_path, "r")
    store.write(make_result(model="tinybert", suite="static", metrics=static_metrics(5)))
    broken = make_result(model="bert-base", suite="static", metrics=static_metrics(7))
    broken.job_id = "bert-base__static__x"
    store.write(broken)
    path = store.path_for(broken.job_id)
    data = json.loads(path.read_text())
    del data["metrics"]["parameters"]
    path.write_text(json.dumps(data))
    assert [r.model.name for r in iter_results(tmp_path)] == ["tinybert"]
    assert f"{path}: metrics of a StaticMetrics miss 'parameters'" in capsys.readouterr().err
