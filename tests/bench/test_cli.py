from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_list_names_the_four_models_and_the_suites(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("mobilebert", "distilbert", "tinybert", "bert-base", "latency", "memory"):
        assert name in out
    assert "24,582,914" in out


def test_unknown_model_fails_before_any_work(tmp_path, capsys):
    assert main(["run", "--models", "nope", "--results-dir", str(tmp_path)]) == 2
    assert "unknown model 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_run_then_leaderboard_through_the_console_entry_point(tmp_path, tiny_model_dirs):
    results = tmp_path / "results"
    cmd = [
        sys.executable,
        "-m",
        "bench",
        "run",
        "--models",
        str(tiny_model_dirs["distilbert"]),
        "--suites",
        "static",
        "latency",
        "--batch-sizes",
        "1",
        "--seq-lens",
        "16",
        "--threads",
        "1",
        "--results-dir",
        str(results),
        "--run-id",
        "smoke",
        "--no-progress",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "2 done, 0 already done" in done.stdout
    board = (results / "leaderboard.md").read_text()
    assert "tiny-distilbert" in board and "### latency" in board and "### static" in board

    again = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert again.returncode == 0 and "0 done, 2 already done" in again.stdout

    assert (
        main(["leaderboard", "--results-dir", str(results), "--output", str(tmp_path / "lb.md")])
        == 0
    )
    assert (tmp_path / "lb.md").read_text() == board
