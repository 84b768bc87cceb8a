"""The Python API runs what ``bench run`` runs: the README's example as it stands, errors
before any job, and resume across the two."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.api import BenchError, load, run
from bench.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- api-example:[^>]*-->\s*```python\n(.*?)```", text, re.S)
    assert match, "README.md lost its api-example block"
    return match.group(1)


def test_the_readme_example_runs_offline_as_written(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _readme_example()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "tinybert" in done.stdout and "bert-base" in done.stdout
    assert len(list((tmp_path / "results" / "runs").glob("*/*.json"))) == 2


def test_bad_requests_raise_before_any_job(tmp_path):
    with pytest.raises(BenchError, match=r"unknown option.*batch_size\b"):
        run(["tinybert"], ["latency"], results_dir=tmp_path, batch_size=[1])
    with pytest.raises(BenchError, match="unknown model 'nope'"):
        run(["nope"], ["static"], results_dir=tmp_path)
    with pytest.raises(BenchError, match="not a safe file name"):
        run(["tinybert"], ["static"], results_dir=tmp_path, run_id="../x")
    # The preflight's problems, as bench run prints them, each named.
    with pytest.raises(BenchError, match=r"nothing was run; fix these first .*; .*"
                                         r"batch 100000000 × 64 tokens"):
        run(["tinybert"], ["latency"], results_dir=tmp_path, batch_sizes=[100_000_000],
            seq_lens=[64])
    assert not (tmp_path / "runs").exists()


def test_api_and_cli_resume_each_other(tmp_path, tiny_model_dirs, capsys):
    model = str(tiny_model_dirs["bert"])
    done = run([model], ["static"], results_dir=tmp_path, run_id="mixed", threads=1)
    assert [r.status for r in done.results] == ["ok"] and done.report.completed
    assert list(done.table("static")["model"]) == ["local:tiny-bert"]
    assert set(done.frame()["suite"]) == {"static"}
    code = main(["run", "--models", model, "--suites", "static", "--threads", "1",
                 "--results-dir", str(tmp_path), "--run-id", "mixed", "--no-progress",
                 "--no-leaderboard"])
    assert code == 0 and "0 done, 1 already done" in capsys.readouterr().out
    again = run([model], ["static"], results_dir=tmp_path, run_id="mixed", threads=1)
    assert again.report.skipped and not again.report.completed
    assert [r.job_id for r in load("mixed", tmp_path).results] == [done.results[0].job_id]
