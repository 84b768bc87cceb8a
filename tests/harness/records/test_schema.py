from __future__ import annotations

import json

import pytest

from harness.records.schema import SCHEMA_VERSION, JobResult, ResultSchemaError
from tests.factories import make_result


def test_round_trip_through_json_is_lossless():
    result = make_result()
    again = JobResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result
    assert again.schema_version == SCHEMA_VERSION


def test_every_provenance_field_is_present():
    data = make_result().to_dict()
    for key in (
        "run_id",
        "job_id",
        "job_key",
        "suite",
        "config",
        "metrics",
        "runtime",
        "started_at",
        "finished_at",
        "duration_s",
    ):
        assert key in data
    assert {"weights", "weights_source", "revision", "hub_id"} <= set(data["model"])
    assert {
        "cpu_model",
        "logical_cores",
        "ram_gib",
        "os",
        "python",
        "packages",
        "hardware_fingerprint",
    } <= set(data["environment"])
    assert {"sha", "dirty"} == set(data["git"])


def test_other_major_version_is_refused_with_the_source_named():
    data = make_result().to_dict()
    data["schema_version"] = "2.0"
    with pytest.raises(ResultSchemaError, match=r"somefile\.json.*2\.0"):
        JobResult.from_dict(data, source="somefile.json")


def test_missing_field_is_named():
    data = make_result().to_dict()
    del data["environment"]
    with pytest.raises(ResultSchemaError, match="environment"):
        JobResult.from_dict(data, source="x.json")


def test_unknown_status_is_refused():
    data = make_result().to_dict()
    data["status"] = "maybe"
    with pytest.raises(ResultSchemaError, match="maybe"):
        JobResult.from_dict(data)


def test_where_a_job_ran_round_trips_and_is_type_checked():
    from harness.records.schema import ExecutorRecord

    result = make_result()
    result.executor = ExecutorRecord("ray", hostname="n1", node_id="abc", node_type="xeon",
                                     node_labels={"bench-node-type": "xeon"}, attempt=2,
                                     retried_after="node abc died", group_started_unix=1.5,
                                     group_finished_unix=2.5)
    assert JobResult.from_dict(json.loads(json.dumps(result.to_dict()))) == result
    data = result.to_dict()
    data["executor"]["attempt"] = "two"
    with pytest.raises(ResultSchemaError, match=r"'executor'\.attempt"):
        JobResult.from_dict(data)
    data.pop("executor")  # results from before 1.5 have none
    assert JobResult.from_dict(data).executor is None
