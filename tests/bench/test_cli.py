from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

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
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "2 done, 0 already done" in done.stdout
    # Not a terminal: one progress line per job, no carriage-return bar.
    assert "\r" not in done.stderr
    assert len(re.findall(r"^\[[12]/2\] ok \S+ \d+\.\d s$", done.stderr, re.M)) == 2
    board = (results / "leaderboard.md").read_text()
    (page,) = (results / "sections").glob("*.md")  # the section's full tables
    assert "tiny-distilbert" in board and f"](sections/{page.name})" in board
    assert "### latency" in page.read_text() and "### static" in page.read_text()

    again = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert again.returncode == 0 and "0 done, 2 already done" in again.stdout
    assert "[2/2] 2 already done" in again.stderr

    assert (
        main(["leaderboard", "--results-dir", str(results), "--output", str(tmp_path / "lb.md")])
        == 0
    )
    # Written elsewhere, it links to the same pages and figures from where it stands.
    assert (tmp_path / "lb.md").read_text() == board.replace(
        "](sections/", "](results/sections/").replace("](plots/", "](results/plots/")


# --- impossible input stops the command before any work -------------------------------------
@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--timeout", "-1", "finite number above 0"),
        ("--timeout", "nan", "finite number above 0"),
        ("--timeout", "0", "finite number above 0"),
        ("--batch-sizes", "0", "must be at least 1"),
        ("--batch-sizes", "-1", "must be at least 1"),
        ("--seq-lens", "0", "must be at least 1"),
        ("--threads", "0", "must be at least 1"),
        ("--max-train-samples", "0", "must be at least 1"),
        ("--epochs", "inf", "finite number above 0"),
        ("--learning-rate", "-1e-5", "finite number above 0"),
        ("--run-id", "feature/x", "not a run id"),
        ("--run-id", "../x", "not a run id"),
        ("--run-id", "/tmp/abs", "not a run id"),
        ("--run-id", "..", "not a run id"),
    ],
)
def test_impossible_numbers_and_unsafe_run_ids_are_refused(flag, value, says, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", f"{flag}={value}", "--results-dir", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert flag in err and says in err
    assert not any(tmp_path.iterdir())


def test_merge_target_must_be_a_safe_run_id(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["merge", "a", "--into", "../elsewhere", "--results-dir", str(tmp_path)])
    assert "not a run id" in capsys.readouterr().err


def test_sequence_lengths_beyond_every_position_fail_before_any_job(tmp_path, capsys):
    code = main(["run", "--models", "tinybert", "--suites", "latency", "memory",
                 "--seq-lens", "1024", "--results-dir", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert "tinybert/latency: nothing to measure" in err and "tinybert/memory" in err
    assert "seq_len 1024 exceeds max_position_embeddings 512" in err
    assert not (tmp_path / "runs").exists()


def test_a_job_whose_points_are_all_skipped_is_not_ok(tmp_path, tiny_model_dirs):
    from bench.run.jobs import plan_jobs
    from bench.run.runner import execute
    from bench.run.store import RunStore

    # A local directory's positions are known only once the job reads its config.json.
    jobs = plan_jobs([str(tiny_model_dirs["bert"])], ["latency"], mode="quick", threads=1,
                     overrides={"batch_sizes": (1,), "seq_lens": (128,)})
    store = RunStore(tmp_path, "r")
    report = execute(jobs, store, show_progress=False)
    assert report.failed == [jobs[0].job_id]
    result = store.load(jobs[0].job_id)
    assert result.status == "failed" and result.error.kind == "NothingToMeasure"
    assert "exceeds max_position_embeddings 64" in result.error.message


def test_an_unwritable_results_directory_is_found_before_the_first_job(tmp_path, capsys,
                                                                      tiny_model_dirs):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    code = main(["run", "--models", str(tiny_model_dirs["bert"]), "--suites", "static",
                 "--results-dir", str(blocker / "results"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot write results to" in err and "--results-dir" in err
    assert "nothing was run" in err and "Traceback" not in err


def test_a_malformed_config_json_names_the_file(tmp_path, capsys):
    model = tmp_path / "broken-model"
    model.mkdir()
    (model / "config.json").write_text('{"model_type": "bert", ', encoding="utf-8")
    code = main(["run", "--models", str(model), "--results-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{model / 'config.json'} is not valid JSON" in err


def test_training_data_errors_are_caught_before_any_job(tmp_path, capsys):
    from tests.accuracy_data import write_news_csv

    csv = write_news_csv(tmp_path / "w.csv", 100)
    base = ["run", "--models", "tfidf-logreg", "--suites", "welfake", "--welfake", str(csv),
            "--results-dir", str(tmp_path / "r"), "--no-progress"]
    assert main([*base, "--label-map", "1=fake,0=fake"]) == 2
    assert "every row would be 'fake'" in capsys.readouterr().err
    assert main([*base, "--max-train-samples", "3"]) == 2
    assert "--max-train-samples 3 is too small" in capsys.readouterr().err
    few = write_news_csv(tmp_path / "five.csv", 5)
    assert main([*base[:5], "--welfake", str(few), *base[7:]]) == 2
    err = capsys.readouterr().err
    assert str(few) in err and "at least 10 rows of each class" in err
    assert main(["run", "--models", "tfidf-logreg", "--suites", "welfake", "--welfake",
                 str(tmp_path), "--results-dir", str(tmp_path / "r")]) == 2
    assert "is a directory, not a file" in capsys.readouterr().err
    assert not (tmp_path / "r" / "runs").exists()


def test_a_full_or_unusable_disk_is_one_line_naming_the_path_not_a_traceback(
        tmp_path, capsys, monkeypatch):
    import errno

    import harness.records.atomic as atomic
    from bench.cli import main
    from tests.factories import write_fixture_runs

    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["publish", "--results-dir", str(blocker / "results")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a part of that path is a file" in err
    write_fixture_runs(tmp_path / "results")

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(atomic, "atomic_write_bytes", full)
    for command in ("publish", "leaderboard", "verdicts"):
        assert main([command, "--results-dir", str(tmp_path / "results")]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"bench {command}: cannot use {tmp_path / 'results'}")
        assert "No space left on device" in err and "free some space" in err
