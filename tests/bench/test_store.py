from __future__ import annotations

import json
import os

import pytest

from bench.result_schema import ResultSchemaError
from bench.store import RunStore, atomic_write_json, iter_results, load_result
from tests.factories import make_result


def test_atomic_write_leaves_the_old_file_whole_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "result.json"
    atomic_write_json(path, {"version": 1})

    def crash(src, dst):
        raise OSError("disk died mid-rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk died"):
        atomic_write_json(path, {"version": 2, "big": "x" * 100_000})
    assert json.loads(path.read_text()) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]  # no temp file left behind


def test_store_write_load_and_done_semantics(tmp_path):
    store = RunStore(tmp_path, "run-1")
    ok = make_result()
    store.write(ok)
    assert load_result(store.path_for(ok.job_id)) == ok
    assert store.is_done(ok.job_id, ok.job_key)
    assert not store.is_done(ok.job_id, "another-key")  # config changed: run again
    failed = make_result(model="distilbert", status="failed")
    store.write(failed)
    assert not store.is_done(failed.job_id, failed.job_key)  # failures are retried
    assert {r.job_id for r in iter_results(tmp_path)} == {ok.job_id, failed.job_id}


def test_unreadable_result_names_the_file(tmp_path):
    path = tmp_path / "runs" / "r" / "bad.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(ResultSchemaError, match=r"bad\.json"):
        load_result(path)
    assert not RunStore(tmp_path, "r").is_done("bad", "k")
