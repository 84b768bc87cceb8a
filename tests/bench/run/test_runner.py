"""The runner end to end: real subprocesses, a tiny model loaded through from_pretrained(dir)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.run.jobs import plan_jobs
from bench.run.runner import execute
from bench.run.store import RunStore

GRID = {"batch_sizes": (1, 2), "seq_lens": (16, 32)}
# 128 is beyond the tiny models' 64 positions: every suite must skip it and say why.
GRID_WITH_TOO_LONG = {**GRID, "seq_lens": (16, 32, 128)}
TOO_LONG = "seq_len 128 exceeds max_position_embeddings 64"


@pytest.fixture(scope="module")
def tiny_run(tiny_model_dirs, tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    store = RunStore(root, "tiny")
    jobs = plan_jobs(
        [str(tiny_model_dirs["mobilebert"])],
        ["static", "latency", "memory"],
        mode="quick",
        threads=1,
        overrides=GRID_WITH_TOO_LONG,
    )
    report = execute(jobs, store, show_progress=False)
    return jobs, store, report


def _skipped(result) -> set[tuple]:
    return {(s.get("batch_size"), s["seq_len"], s["reason"]) for s in result.metrics["skipped"]}


def test_every_job_succeeds_and_is_stored(tiny_run):
    jobs, store, report = tiny_run
    assert report.ok and len(report.completed) == 3
    for spec in jobs:
        result = store.load(spec.job_id)
        assert result.status == "ok"
        assert result.model.weights == "pretrained"
        assert result.model.weights_source == "local-dir"
        assert result.model.weights_format == "safetensors"
        assert result.environment.hardware_fingerprint
        assert result.runtime["intra_op_threads"] == 1
        assert result.runtime["inter_op_threads"] == 1


def test_the_worker_pins_the_allocator_for_timed_suites_only(tiny_run):
    import platform

    jobs, store, _ = tiny_run
    malloc = {j.suite: store.load(j.job_id).runtime.get("malloc") for j in jobs}
    assert "not pinned" in malloc["static"]["allocator"]  # static counts, it does not time
    if platform.libc_ver()[0] == "glibc":
        assert malloc["latency"]["allocator"] == "glibc malloc, thresholds pinned (mallopt)"


def test_latency_points_cover_the_grid_with_sane_statistics(tiny_run):
    jobs, store, _ = tiny_run
    result = store.load(next(j for j in jobs if j.suite == "latency").job_id)
    points = result.metrics["points"]
    assert {(p["batch_size"], p["seq_len"]) for p in points} == {(1, 16), (1, 32), (2, 16), (2, 32)}
    assert _skipped(result) == {(1, 128, TOO_LONG), (2, 128, TOO_LONG)}
    for p in points:
        # timed in rounds: every round one burst of at least one call, the calls in order
        assert len(p["samples_ms"]) == p["n"] == sum(p["round_calls"])
        assert result.config["min_rounds"] <= len(p["round_calls"]) <= result.config["max_rounds"]
        assert min(p["round_calls"]) >= 1
        assert sum(p["samples_ms"]) / 1e3 >= result.config["min_time_s"] * 0.99
        assert p["group"] == result.metrics["interleaving"]["group"]
        assert p["noise_pct"] is not None and p["noise_pct"] >= 0
        assert 0 < p["min_ms"] <= p["p50_ms"] <= p["p90_ms"] <= p["p99_ms"] <= p["max_ms"]
        assert p["samples_per_s"] == pytest.approx(1e3 * p["batch_size"] / p["p50_ms"])
        # the machine's activity during the timing is recorded with every point
        assert p["machine"]["rounds"] == len(p["round_calls"])
        assert p["disturbed"] == p["machine"]["disturbed"]
        assert p["machine"]["other_cpu_cores"] >= 0 and p["machine"]["repeated_bursts"] >= 0
    assert result.runtime["attn_implementation"] == "sdpa"


def test_memory_points_are_consistent_and_agree_with_the_external_figure(tiny_run):
    jobs, store, _ = tiny_run
    result = store.load(next(j for j in jobs if j.suite == "memory").job_id)
    assert len(result.metrics["points"]) == 4
    assert _skipped(result) == {(1, 128, TOO_LONG), (2, 128, TOO_LONG)}
    for p in result.metrics["points"]:
        assert 0 < p["rss_start_mib"] < p["rss_after_imports_mib"] <= p["rss_after_load_mib"] + 1
        assert p["peak_forward_mib"] >= p["rss_after_load_mib"] - 1
        assert p["launcher_vmhwm_mib"] < 200  # probes start from a process without torch
        assert p["agrees_with_external"], p


def test_static_facts_match_the_saved_model(tiny_run, tiny_model_dirs):
    from transformers import AutoModelForSequenceClassification

    jobs, store, _ = tiny_run
    result = store.load(next(j for j in jobs if j.suite == "static").job_id)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dirs["mobilebert"])
    n = sum(p.numel() for p in model.parameters())
    assert result.metrics["parameters"] == n
    assert result.metrics["fp32_mib"] == pytest.approx(n * 4 / 2**20)
    assert set(result.metrics["flops_per_forward"]) == {"16", "32"}  # --seq-lens applies too
    assert result.metrics["flops_skipped"] == [{"seq_len": 128, "reason": TOO_LONG}]


def test_rerun_skips_done_jobs_and_force_reruns(tiny_run):
    jobs, store, _ = tiny_run
    static = [j for j in jobs if j.suite == "static"]
    before = store.path_for(static[0].job_id).read_text()
    again = execute(static, store, show_progress=False)
    assert again.skipped == [static[0].job_id] and not again.completed
    assert store.path_for(static[0].job_id).read_text() == before
    forced = execute(static, store, force=True, show_progress=False)
    assert forced.completed == [static[0].job_id]


def test_failing_and_timed_out_jobs_are_recorded_and_the_run_goes_on(tmp_path, tiny_model_dirs):
    broken = tmp_path / "broken"
    broken.mkdir()
    config = json.loads((tiny_model_dirs["bert"] / "config.json").read_text())
    config["num_attention_heads"] = 5  # 32 is not a multiple of 5: the model cannot be built
    (broken / "config.json").write_text(json.dumps(config))
    jobs = plan_jobs(
        [str(broken), str(tiny_model_dirs["bert"])], ["static"], mode="quick", threads=1
    )
    slow = plan_jobs(
        [str(tiny_model_dirs["distilbert"])],
        ["latency"],
        mode="quick",
        threads=1,
        overrides=GRID,
        timeout_s=0.5,
    )
    store = RunStore(tmp_path / "results", "r")
    report = execute([*jobs, *slow], store, show_progress=False)
    assert report.completed == [jobs[1].job_id]
    assert report.failed == [jobs[0].job_id, slow[0].job_id]
    failed = store.load(jobs[0].job_id)
    assert failed.status == "failed" and "ValueError" in failed.error.kind
    assert "num_attention_heads" in failed.error.message or "heads" in failed.error.log_tail
    timed_out = store.load(slow[0].job_id)
    assert timed_out.status == "timeout" and "after 0.5 s" in timed_out.error.message


def test_latency_jobs_of_a_run_are_timed_together_and_their_ratios_pair(
        tiny_model_dirs, tmp_path):
    from bench.report.noise import noise_floor
    from harness.ratios import speed_ratio

    store = RunStore(tmp_path, "group")
    dirs = [str(tiny_model_dirs[k]) for k in ("bert", "distilbert")]
    jobs = plan_jobs(dirs, ["latency"], mode="quick", threads=1,
                     overrides={"batch_sizes": (1,), "seq_lens": (16,), "min_time_s": 0.2,
                                "burst_s": 0.02, "min_rounds": 4, "max_point_s": 1.0})
    report = execute(jobs, store, show_progress=False)
    assert report.ok and len(report.completed) == 2
    bert, distil = (store.load(j.job_id) for j in jobs)
    group = bert.metrics["interleaving"]
    assert group == distil.metrics["interleaving"]  # one group, recorded by each job
    assert group["entries"][:2] == ["local:tiny-bert/pytorch-sdpa",
                                    "local:tiny-distilbert/pytorch-sdpa"]
    # the cheaper model is timed a second time as the A/A control: a ratio of about 1
    (pb,), (pd,) = bert.metrics["points"], distil.metrics["points"]
    control = group["control"]
    assert control["entry"] == ("local:tiny-bert/pytorch-sdpa" if pb["flops"] <= pd["flops"]
                                else "local:tiny-distilbert/pytorch-sdpa")
    assert group["entries"][2] == control["entry"] + " (A/A)"
    aa = control["points"]["b1/s16"]
    assert aa["paired"] and aa["low"] <= aa["value"] <= aa["high"] and 0.5 < aa["value"] < 2
    assert pb["group"] == pd["group"] == group["group"]
    assert len(pb["round_calls"]) == len(pd["round_calls"]) >= 4
    ratio = speed_ratio(pb, pd)
    assert ratio.paired and ratio.low <= ratio.value <= ratio.high
    # why the rounds stopped: recorded once per point, the same for every entry
    stop = pb["rounds_stop"]
    assert stop == pd["rounds_stop"] and stop["rounds"] == len(pb["round_calls"])
    assert stop["planned_rounds"] <= stop["rounds"] and stop["target_ci_pct"] == 1.5
    assert stop["stopped"] in {"target met", "time cap", "max rounds"}
    assert (stop["widest_ci_pct"] <= 1.5) == (stop["stopped"] == "target met")
    floor = noise_floor([bert, distil])
    assert floor["aa_controls"][0]["entry"] == control["entry"]
    assert sum(e["points"] for e in floor["rounds_stop"]["by_reason"].values()) == 1


def test_the_worker_imports_this_checkout_and_provenance_reads_its_git():
    """bench/run/ sits two levels below the checkout: the worker's PYTHONPATH and the git
    sha recorded in every result must name the checkout itself, not a package folder."""
    from bench.run.process import worker_env
    from harness.backends import BACKENDS
    from harness.environment import PROJECT_ROOT, recorded_packages

    root = Path(__file__).resolve().parents[3]
    assert (root / "pyproject.toml").is_file()
    assert worker_env(1)["PYTHONPATH"].split(os.pathsep)[0] == str(root)
    assert root == PROJECT_ROOT
    assert {p for b in BACKENDS.values() for p in b.requires} <= set(recorded_packages())


def test_a_crash_names_the_workers_last_exception_and_a_full_disk(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    from bench.run.process import crash_cause

    log = "Traceback (most recent call last):\n  File x\nOSError: [Errno 28] No space left"
    assert crash_cause(log, tmp_path) == ": OSError: [Errno 28] No space left"
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(100, 100, 2**20))
    assert "only 1 MiB free on the disk holding" in crash_cause("", tmp_path)
