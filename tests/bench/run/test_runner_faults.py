"""Faults never corrupt results: a killed or interrupted run leaves no process, no scratch and
no false result behind, and two runs into one directory never overwrite each other.

Real ``bench run`` processes on a tiny model, killed the way a user, a CI cancel or the OOM
killer would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bench.run.store import RunStore, iter_results

ROOT = Path(__file__).resolve().parents[3]
GRID = ["--batch-sizes", "1", "2", "--seq-lens", "16", "32", "--threads", "1"]


def _bench_cmd(model_dir: Path, results: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "bench", "run", "--models", str(model_dir), "--suites",
            "static", "latency", *GRID, "--results-dir", str(results), "--run-id", "r",
            "--no-progress", "--no-leaderboard", *extra]


def _start(cmd: list[str]) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_for_timing(proc: subprocess.Popen, results: Path, timeout_s: float = 120) -> None:
    """Until the latency worker is timing a point (its progress line is in the job log)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        for log in (results / "runs" / "r" / "logs").glob("*latency*.log"):
            if "pytorch-sdpa b" in log.read_text(errors="replace"):
                return
        time.sleep(0.1)
    raise AssertionError("the latency job never started timing")


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _tmp_entries() -> set[str]:
    """What lies in the system temp directory, pytest's own folders aside."""
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).iterdir()
            if not p.name.startswith("pytest-")}


def _all_gone(processes: list[psutil.Process], within_s: float) -> bool:
    _, alive = psutil.wait_procs(processes, timeout=within_s)
    return not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_kill_9_leaves_no_process_and_the_rerun_completes_only_the_missing_jobs(
    tmp_path, tiny_model_dirs
):
    results = tmp_path / "results"
    cmd = _bench_cmd(tiny_model_dirs["bert"], results)
    tmp_before = _tmp_entries()
    proc = _start(cmd)
    _wait_for_timing(proc, results)
    children = _descendants(proc.pid)
    (worker,) = [c for c in children if "bench.run.worker" in " ".join(c.cmdline())]
    # The machine lock is held by whoever times: the worker has the locked file open too.
    lock = Path(os.environ["BENCH_LOCK_FILE"]).resolve()
    assert str(lock) in {f.path for f in worker.open_files()}
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert _all_gone(children, within_s=5), [c.cmdline() for c in children if c.is_running()]
    assert _tmp_entries() <= tmp_before  # nothing of the job's lies in /tmp

    store = RunStore(results, "r")
    done_before = {r.suite: r.status for r in iter_results(results)}
    assert done_before == {"static": "ok"}  # the killed latency job left nothing
    assert any((results / "tmp").iterdir())  # its scratch is there until the next run

    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "1 done, 1 already done" in again.stdout
    assert not any((results / "tmp").iterdir())  # the dead run's scratch was swept
    clean = subprocess.run(_bench_cmd(tiny_model_dirs["bert"], tmp_path / "clean"), cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stderr
    for rerun in iter_results(results):
        reference = next(r for r in iter_results(tmp_path / "clean") if r.suite == rerun.suite)
        assert rerun.status == reference.status == "ok"
        assert rerun.job_key == reference.job_key
        assert sorted(rerun.metrics) == sorted(reference.metrics)
        assert len(rerun.metrics.get("points", [])) == len(reference.metrics.get("points", []))
    assert store.is_done(rerun.job_id, rerun.job_key)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_stop_cleanly_and_record_the_job_as_interrupted(
    signum, tmp_path, tiny_model_dirs
):
    results = tmp_path / "results"
    proc = _start(_bench_cmd(tiny_model_dirs["bert"], results))
    _wait_for_timing(proc, results)
    children = _descendants(proc.pid)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum
    assert "Traceback" not in err
    name = signal.Signals(signum).name
    assert [line for line in err.splitlines() if line.strip()][-1].startswith(
        f"bench run: stopped by {name} during ")
    assert _all_gone(children, within_s=5)
    statuses = {r.suite: r for r in iter_results(results)}
    assert statuses["static"].status == "ok"
    interrupted = statuses["latency"]
    assert interrupted.status == "interrupted" and interrupted.error.kind == "interrupted"
    assert name in interrupted.error.message
    assert not any((results / "tmp").iterdir())  # scratch removed on the way out


def test_two_concurrent_runs_into_one_directory_end_with_every_job_ok(tmp_path,
                                                                       tiny_model_dirs):
    results = tmp_path / "results"
    cmd = _bench_cmd(tiny_model_dirs["distilbert"], results)
    first, second = _start(cmd), _start(cmd)
    out_a, err_a = first.communicate(timeout=300)
    out_b, err_b = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err_a + err_b
    found = list(iter_results(results))
    assert len(found) == 2 and all(r.status == "ok" for r in found)
    # One of them ran both jobs; the other waited for it and then found them done.
    assert any("2 done, 0 already done" in out for out in (out_a, out_b))
    assert any("0 done, 2 already done" in out for out in (out_a, out_b))
    assert "is being written by another bench process" in err_a + err_b


def test_a_failed_attempt_never_replaces_an_ok_result(tmp_path):
    from tests.factories import make_result

    store = RunStore(tmp_path, "r")
    ok = make_result()
    assert store.write(ok)
    before = store.path_for(ok.job_id).read_bytes()
    for status in ("failed", "timeout", "interrupted"):
        attempt = make_result(status=status)
        assert attempt.job_id == ok.job_id
        assert store.write(attempt) is False
    assert store.path_for(ok.job_id).read_bytes() == before
    newer = make_result()
    newer.duration_s = 99.0
    assert store.write(newer)  # an ok result may replace an ok one (--force)


def test_timed_out_job_leaves_no_scratch_and_no_process(tmp_path, tiny_model_dirs):
    from bench.run.jobs import plan_jobs
    from bench.run.runner import execute

    jobs = plan_jobs([str(tiny_model_dirs["bert"])], ["latency"], mode="quick", threads=1,
                     overrides={"batch_sizes": (1,), "seq_lens": (16,)}, timeout_s=1.0)
    store = RunStore(tmp_path, "t")
    before = set(psutil.Process().children(recursive=True))
    tmp_before = _tmp_entries()
    report = execute(jobs, store, show_progress=False)
    assert _tmp_entries() <= tmp_before
    assert report.failed == [jobs[0].job_id]
    assert store.load(jobs[0].job_id).status == "timeout"
    assert not any((tmp_path / "tmp").iterdir())
    assert set(psutil.Process().children(recursive=True)) <= before


def test_run_directory_lock_refuses_without_wait(tmp_path):
    from bench.run.store import StoreError

    store = RunStore(tmp_path, "r")
    with store.writer_lock():
        child = subprocess.run(
            [sys.executable, "-c", "from bench.run.store import RunStore; import sys\n"
             f"with RunStore({str(tmp_path)!r}, 'r').writer_lock(wait=False): pass"],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert child.returncode != 0
    assert StoreError.__name__ in child.stderr and "being written" in child.stderr
    assert f"pid {__import__('os').getpid()}" in child.stderr  # names who holds it


def test_a_group_whose_worker_crashed_runs_again_job_by_job(tmp_path, monkeypatch):
    """A crash of the shared worker (a segfault in one backend) must not fail its
    neighbours: the jobs without a payload run again alone; finished ones are kept."""
    from bench.run import runner
    from bench.run.jobs import plan_jobs
    from bench.run.provenance import make_result
    from harness.records.schema import ErrorRecord

    jobs = plan_jobs(["tinybert", "mobilebert", "bert-base"], ["latency"], mode="quick",
                     threads=1)
    calls: list[list[str]] = []
    grouped = {"points": [], "backend": "timed in the group"}
    alone = {"points": [], "backend": "timed alone"}

    def fake_locked(specs, store, on_progress, lock_fd, scratch, started, t0):
        calls.append([s.model.name for s in specs])
        if len(specs) == 1:
            return [make_result(specs[0], store, "ok", None, {"metrics": alone},
                                        started, t0)]
        crashed = ErrorRecord("group-crash", "worker exited with code -11 and no result")
        return [make_result(specs[0], store, "ok", None, {"metrics": grouped},
                                    started, t0),
                *(make_result(s, store, "failed", crashed, {}, started, t0)
                  for s in specs[1:])]

    monkeypatch.setattr(runner, "_run_locked", fake_locked)
    store = RunStore(tmp_path, "crash")
    results = runner.run_group(jobs, store)
    assert calls == [["tinybert", "mobilebert", "bert-base"], ["mobilebert"], ["bert-base"]]
    assert [r.status for r in results] == ["ok", "ok", "ok"]
    assert [r.metrics for r in results] == [grouped, alone, alone]
    assert all(store.load(j.job_id).status == "ok" for j in jobs)
