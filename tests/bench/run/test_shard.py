from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from bench.cli import main
from bench.run.jobs import plan_jobs
from bench.run.machine_lock import machine_lock
from bench.run.shard import (
    ShardError,
    identity,
    merge_runs,
    missing_shards,
    parse_shard,
    select_shard,
)
from bench.run.store import RunStore, iter_results
from tests.factories import make_result

MODELS = ["tinybert", "mobilebert", "distilbert", "bert-base", "tfidf-logreg"]
SUITES = ["static", "latency", "memory"]


def matrix(threads: int = 2, models: list[str] = MODELS) -> list:
    return plan_jobs(models, SUITES, mode="quick", threads=threads,
                     overrides={"backends": ["pytorch-sdpa", "pytorch-int8"]})


def test_parse_shard():
    assert parse_shard("2/4") == (2, 4) and parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/4", "5/4", "4", "a/b", "-1/2"):
        with pytest.raises(ShardError, match="i/n"):
            parse_shard(bad)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 7])
def test_every_job_lands_in_exactly_one_shard(count):
    jobs = matrix()
    shards = [select_shard(jobs, i, count) for i in range(1, count + 1)]
    seen = Counter(job.job_id for shard in shards for job in shard)
    assert set(seen) == {job.job_id for job in jobs} and set(seen.values()) == {1}
    sizes = [len(shard) for shard in shards]
    assert max(sizes) - min(sizes) <= 1


def test_partition_is_the_same_on_every_machine_of_a_fan_out():
    """Another core count (a different job key) or argument order: the same shard contents."""
    here, there = matrix(threads=2), matrix(threads=16, models=list(reversed(MODELS)))
    for i in (1, 2, 3):
        mine = sorted(identity(job) for job in select_shard(here, i, 3))
        theirs = sorted(identity(job) for job in select_shard(there, i, 3))
        assert mine == theirs
    assert {j.job_id for j in here}.isdisjoint({j.job_id for j in there})


def _shard_results(store: RunStore, jobs: list, shard: str, status: str = "ok") -> None:
    for spec in jobs:
        result = make_result(model=spec.model.name, suite=spec.suite, run_id=store.run_id,
                             status=status)
        result.job_id, result.job_key, result.shard = spec.job_id, spec.key, shard
        store.write(result)


def test_merge_gathers_every_shard_into_one_run(tmp_path):
    jobs = matrix()
    for i in (1, 2, 3):
        _shard_results(RunStore(tmp_path, f"s{i}"), select_shard(jobs, i, 3), f"{i}/3")
    report = merge_runs(["s1", "s2", str(tmp_path / "runs" / "s3")], "all", tmp_path)
    merged = [r for r in iter_results(tmp_path) if r.run_id == "all"]
    assert sorted(r.job_id for r in merged) == sorted(j.job_id for j in jobs)
    assert {r.merged_from for r in merged} == {"s1", "s2", "s3"}
    assert report.shards == {"1/3", "2/3", "3/3"} and not missing_shards(report.shards)
    again = merge_runs(["s1", "s2", "s3"], "all", tmp_path)
    assert not again.written and len(again.unchanged) == len(jobs)


def test_merge_refuses_a_job_run_by_two_shards_and_writes_nothing(tmp_path):
    jobs = matrix()
    _shard_results(RunStore(tmp_path, "a"), jobs[:4], "1/2")
    _shard_results(RunStore(tmp_path, "b"), jobs[3:6], "2/2")
    with pytest.raises(ShardError, match="run by two shards"):
        merge_runs(["a", "b"], "all", tmp_path)
    assert not (tmp_path / "runs" / "all").exists()


def test_an_ok_result_supersedes_a_failed_attempt(tmp_path):
    jobs = matrix()[:2]
    _shard_results(RunStore(tmp_path, "first"), jobs, "1/1", status="failed")
    _shard_results(RunStore(tmp_path, "retry"), jobs[:1], "1/1")
    report = merge_runs(["first", "retry"], "all", tmp_path)
    merged = {r.job_id: r for r in iter_results(tmp_path) if r.run_id == "all"}
    assert merged[jobs[0].job_id].status == "ok"
    assert merged[jobs[1].job_id].status == "failed"
    assert len(report.superseded) == 1


def test_merge_cli_warns_about_a_missing_shard(tmp_path, capsys):
    jobs = matrix()
    _shard_results(RunStore(tmp_path, "s1"), select_shard(jobs, 1, 2), "1/2")
    assert main(["merge", "s1", "--into", "all", "--results-dir", str(tmp_path),
                 "--no-leaderboard"]) == 1
    assert "shards missing from the merge: 2/2" in capsys.readouterr().err


def test_shard_runs_end_to_end_then_merge(tmp_path, tiny_model_dirs, capsys):
    models = ",".join(str(tiny_model_dirs[f]) for f in ("bert", "distilbert"))
    common = ["run", "--models", models, "--suites", "static", "--threads", "1",
              "--results-dir", str(tmp_path), "--no-progress", "--no-leaderboard"]
    for i in (1, 2):
        assert main([*common, "--shard", f"{i}/2", "--run-id", f"part{i}"]) == 0
    err = capsys.readouterr().err
    assert "shard 1/2: 1 of 2 jobs" in err and "shard 2/2: 1 of 2 jobs" in err
    assert main(["merge", "part1", "part2", "--into", "whole",
                 "--results-dir", str(tmp_path)]) == 0
    merged = [r for r in iter_results(tmp_path) if r.run_id == "whole"]
    assert sorted(r.model.name for r in merged) == ["local:tiny-bert", "local:tiny-distilbert"]
    assert {r.shard for r in merged} == {"1/2", "2/2"}
    assert (tmp_path / "summary.json").is_file()


def test_timed_jobs_wait_for_every_other_bench_job(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_LOCK_FILE", str(tmp_path / "lock"))
    release = threading.Event()
    holding = threading.Event()

    def other_job() -> None:
        with machine_lock(exclusive=False):
            holding.set()
            release.wait(5)

    worker = threading.Thread(target=other_job)
    worker.start()
    holding.wait(5)
    with machine_lock(exclusive=False) as shared:  # two untimed jobs may share
        assert shared["waited_s"] < 0.2
    threading.Timer(0.5, release.set).start()
    with machine_lock(exclusive=True) as record:
        assert record["mode"] == "exclusive" and record["waited_s"] >= 0.4
    worker.join()
    started = time.monotonic()
    with machine_lock(exclusive=True):
        assert time.monotonic() - started < 0.2


def test_each_suite_is_spread_over_the_shards():
    jobs = matrix()
    for i in (1, 2):
        per_suite = Counter(job.suite for job in select_shard(jobs, i, 2))
        for suite, total in Counter(job.suite for job in jobs).items():
            assert abs(per_suite[suite] - total / 2) <= 1


def test_merge_skips_unreadable_shard_files_and_replaces_one_in_the_target(tmp_path, capsys):
    from bench.run.store import load_result

    jobs = matrix()
    _shard_results(RunStore(tmp_path, "a"), jobs[:2], "1/1")
    (tmp_path / "runs" / "a" / "broken.json").write_text("[]", encoding="utf-8")
    target = RunStore(tmp_path, "all")
    target.dir.mkdir(parents=True)
    first = jobs[0].job_id
    target.path_for(first).write_text("null", encoding="utf-8")
    report = merge_runs(["a"], "all", tmp_path)
    assert sorted(report.written) == sorted(j.job_id for j in jobs[:2])
    assert "broken.json" in capsys.readouterr().err
    assert load_result(target.path_for(first)).run_id == "all"


def test_merge_never_writes_outside_the_results_directory(tmp_path, capsys):
    import json

    shard = tmp_path / "results" / "runs" / "s1"
    shard.mkdir(parents=True)
    for name, job_id in (("a.json", "../../../escaped"), ("b.json", str(tmp_path / "abs"))):
        data = make_result().to_dict()
        data["job_id"] = job_id
        (shard / name).write_text(json.dumps(data), encoding="utf-8")
    good = make_result(model="distilbert")
    RunStore(tmp_path / "results", "s1").write(good)
    assert main(["merge", "s1", "--into", "m", "--results-dir",
                 str(tmp_path / "results"), "--no-leaderboard"]) == 0
    assert "not a safe file name" in capsys.readouterr().err
    assert not list(tmp_path.glob("escaped*")) and not (tmp_path / "abs.json").exists()
    assert [r.job_id for r in iter_results(tmp_path / "results") if r.run_id == "m"] == [
        good.job_id]


def test_merge_warns_when_the_shards_ran_different_code(tmp_path, capsys):
    first, second = make_result(model="tinybert"), make_result(model="distilbert")
    second.git.sha = "1234567890abcdef"
    RunStore(tmp_path, "s1").write(first)
    RunStore(tmp_path, "s2").write(second)
    assert main(["merge", "s1", "s2", "--into", "m", "--results-dir", str(tmp_path),
                 "--no-leaderboard"]) == 0
    assert "from 2 versions of the code (1234567890, abcdef1234)" in capsys.readouterr().err
