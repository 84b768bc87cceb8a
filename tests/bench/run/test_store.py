from __future__ import annotations

import json
import os

import pytest

from bench.run.store import RunStore, iter_results, load_result
from harness.records.atomic import atomic_write_json
from harness.records.schema import JobResult, ResultSchemaError
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


# --- one bad file never blocks a run, a leaderboard, a publish or a comparison ---------------
BAD_FILES = {
    "array.json": "[]",
    "null.json": "null",
    "config-null.json": None,  # a real result with "config": null
    "truncated.json": '{"schema_version": "1.2", "run_id": ',
    "future-major.json": '{"schema_version": "9.0"}',
    "wrong-type.json": None,  # "environment": {"isa_flags": "avx2", …}
}


def _with_bad_files(root, run_id: str = "run-1") -> list[str]:
    good = make_result(run_id=run_id)
    store = RunStore(root, run_id)
    store.write(good)
    for name, text in BAD_FILES.items():
        if text is None:
            data = good.to_dict()
            if name == "config-null.json":
                data["config"] = None
            else:
                data["environment"]["isa_flags"] = "avx2"
            text = json.dumps(data)
        (store.dir / name).write_text(text, encoding="utf-8")
    return [good.job_id]


def _one_warning_per_bad_file(err: str) -> None:
    lines = [line for line in err.splitlines() if line.startswith("bench: skipping")]
    assert len(lines) == len(BAD_FILES), err
    for name in BAD_FILES:
        assert sum(f"/{name}:" in line for line in lines) == 1, (name, lines)


def test_readers_skip_files_of_the_wrong_shape_with_one_line_each(tmp_path, capsys):
    from bench.report.compare import compare_runs, load_run
    from bench.report.leaderboard import write_leaderboard
    from bench.report.publish import publish

    good = _with_bad_files(tmp_path)
    assert [r.job_id for r in iter_results(tmp_path)] == good
    _one_warning_per_bad_file(capsys.readouterr().err)

    write_leaderboard(tmp_path)
    assert "tinybert" in (tmp_path / "leaderboard.md").read_text()
    _one_warning_per_bad_file(capsys.readouterr().err)

    publish(tmp_path)
    _one_warning_per_bad_file(capsys.readouterr().err)

    run = load_run("run-1", tmp_path)
    assert [r.job_id for r in run] == good
    compare_runs(run, run)
    _one_warning_per_bad_file(capsys.readouterr().err)


def test_a_resumed_run_treats_a_bad_file_as_not_done(tmp_path):
    store = RunStore(tmp_path, "r")
    store.dir.mkdir(parents=True)
    store.path_for("job").write_text("[]", encoding="utf-8")
    assert not store.is_done("job", "k")
    store.path_for("job").write_text('{"schema_version": "1.2", "config": null}')
    assert not store.is_done("job", "k")


def test_interrupted_is_a_status_of_the_schema(tmp_path):
    store = RunStore(tmp_path, "r")
    result = make_result(status="interrupted")
    store.write(result)
    assert load_result(store.path_for(result.job_id)).status == "interrupted"
    data = result.to_dict()
    data["status"] = "exploded"
    with pytest.raises(ResultSchemaError, match="unknown status 'exploded'"):
        JobResult.from_dict(data)


def test_the_directory_is_synced_after_the_rename(tmp_path, monkeypatch):
    synced = []
    real_fsync, real_open = os.fsync, os.open
    opened: dict[int, str] = {}

    def spy_open(path, flags, *args):
        fd = real_open(path, flags, *args)
        opened[fd] = str(path)
        return fd

    def spy_fsync(fd):
        synced.append(opened.get(fd, "file"))
        return real_fsync(fd)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    atomic_write_json(tmp_path / "r.json", {"a": 1})
    assert len(synced) == 2 and synced[0].endswith(".tmp")  # the data in its temp file,
    assert synced[1] == str(tmp_path)  # then, after the rename, the directory entry


def _crafted(path, **changes):
    """A stored result file with some fields replaced, as an adversary would write it."""
    data = make_result(model="tinybert").to_dict()
    for key, value in changes.items():
        target = data
        *parents, last = key.split(".")
        for part in parents:
            target = target[part]
        target[last] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("field, value", [
    ("job_id", "../../../escaped"), ("job_id", "/tmp/abs"), ("run_id", "../x"),
    ("environment.hardware_fingerprint", "../../plot-escape"), ("merged_from", ".."),
])
def test_a_result_whose_names_would_leave_the_results_directory_is_not_read(
        tmp_path, field, value, capsys):
    _crafted(tmp_path / "runs" / "r" / "bad.json", **{field: value})
    assert list(iter_results(tmp_path)) == []
    assert "not a safe file name" in capsys.readouterr().err


def test_the_store_itself_refuses_unsafe_names(tmp_path):
    with pytest.raises(ValueError, match="not a safe file name"):
        RunStore(tmp_path, "../elsewhere")
    with pytest.raises(ValueError, match="not a safe file name"):
        RunStore(tmp_path, "r").path_for("../../x")


@pytest.mark.parametrize("change", [
    {"metrics.points": [{"batch_size": 1, "seq_len": 128}]},  # no p50_ms
    {"metrics.points": [{**__import__("tests.factories").factories.latency_point(1, 128, 1.0),
                         "p50_ms": "fast"}]},
    {"metrics.points": ["not a point"]},
    {"metrics.points": [{**__import__("tests.factories").factories.latency_point(1, 128, 1.0),
                         "samples_ms": [1.0, -5.0]}]},
])
def test_a_point_the_reports_cannot_read_makes_its_file_skipped_not_a_crash(
        tmp_path, change, capsys):
    _crafted(tmp_path / "runs" / "r" / "bad.json", **change)
    _crafted(tmp_path / "runs" / "r" / "good.json", job_id="good")
    assert [r.job_id for r in iter_results(tmp_path)] == ["good"]
    assert "metrics.points[0]" in capsys.readouterr().err


def test_huge_integers_and_deep_nesting_are_skipped_with_a_reason(tmp_path, capsys):
    runs = tmp_path / "runs" / "r"
    runs.mkdir(parents=True)
    (runs / "int.json").write_text('{"n": ' + "9" * 5000 + "}", encoding="utf-8")
    (runs / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert list(iter_results(tmp_path)) == []
    err = capsys.readouterr().err
    assert "int.json: not a JSON result file" in err and "nested too deep" in err


def test_a_point_with_null_optional_figures_reads(tmp_path):
    from tests.factories import latency_point

    point = {**latency_point(1, 128, 1.0), "pct_of_peak": None, "noise_pct": None,
             "achieved_gflops": None, "flops": None, "first_call_ms": None}
    _crafted(tmp_path / "runs" / "r" / "ok.json", **{"metrics.points": [point]})
    assert len(list(iter_results(tmp_path))) == 1  # no peak measured: null, not an error
