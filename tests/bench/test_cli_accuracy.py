"""The accuracy suites through the CLI: fail fast without data, run end to end with it."""

from __future__ import annotations

import json
import time

from bench.cli import main
from bench.run.jobs import plan_jobs
from tests.accuracy_data import write_news_csv
from tests.factories import published_text


def test_offline_without_data_fails_fast_naming_every_missing_input(tmp_path, capsys):
    started = time.monotonic()
    code = main(["run", "--suites", "mnli-proxy,welfake,external", "--results-dir",
                 str(tmp_path), "--no-progress"])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and elapsed < 10
    assert "mnli-proxy: MNLI" in err and "--mnli DIR" in err
    assert "welfake: WELFake" in err and "--welfake" in err
    assert "external: external suite: no external sets" in err
    assert not (tmp_path / "runs").exists()  # nothing half-written


def test_missing_column_is_caught_before_any_job(tmp_path, capsys):
    csv = tmp_path / "w.csv"
    csv.write_text("headline,label\na,1\n", encoding="utf-8")
    code = main(["run", "--models", "tfidf-logreg", "--suites", "welfake", "--welfake", str(csv),
                 "--results-dir", str(tmp_path / "res"), "--no-progress"])
    assert code == 2
    assert "no columns 'title', 'text'" in capsys.readouterr().err


def test_tfidf_baseline_end_to_end_with_leaderboard_and_verdicts(tmp_path, capsys):
    welfake = write_news_csv(tmp_path / "WELFake_Dataset.csv", 400)
    external = write_news_csv(tmp_path / "ext.csv", 100, seed=3, label_column="real",
                              fake_value=0, real_value=1, with_title=False)
    results = tmp_path / "results"
    code = main([
        "run", "--models", "tfidf-logreg", "--suites", "welfake,external", "--welfake",
        str(welfake), "--external", str(external), "--external-text-columns", "text",
        "--external-label-column", "real", "--external-label-map", "1=real,0=fake",
        "--results-dir", str(results), "--no-progress",
    ])
    assert code == 0, capsys.readouterr().err
    stored = [json.loads(p.read_text()) for p in (results / "runs").glob("*/*.json")]
    by_suite = {r["suite"]: r for r in stored}
    assert by_suite["welfake"]["status"] == by_suite["external"]["status"] == "ok"
    assert by_suite["external"]["metrics"]["sets"]["ext"]["accuracy"] > 0.9
    board = published_text(results)
    assert "### welfake" in board and "### external" in board and "in-domain acc %" in board
    assert len(list((results / "verdicts").glob("*.json"))) >= 13


def test_baseline_is_not_planned_where_it_cannot_apply():
    skipped = []
    jobs = plan_jobs(["tfidf-logreg"], ["static", "latency", "memory", "mnli-proxy"],
                     mode="quick", threads=1, on_skip=skipped.append)
    assert [j.suite for j in jobs] == ["latency"]
    assert len(skipped) == 3 and all("sklearn" in s for s in skipped)


def test_missing_mnli_train_file_is_named_even_with_the_hub_as_source(tmp_path, capsys):
    code = main(["run", "--models", "tinybert", "--suites", "mnli-proxy", "--mnli-train",
                 str(tmp_path / "none.tsv"), "--results-dir", str(tmp_path), "--no-progress"])
    assert code == 2
    assert "none.tsv not found (--mnli-train)" in capsys.readouterr().err
