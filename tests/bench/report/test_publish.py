from __future__ import annotations

import csv
import json
import shutil

from bench.cli import main
from bench.report.publish import publish
from bench.run.store import RunStore
from tests.factories import file_tree, fixture_results, write_fixture_runs


def test_the_same_runs_publish_byte_identical_files(tmp_path):
    first, second = tmp_path / "one", tmp_path / "elsewhere" / "two"
    write_fixture_runs(first)
    done = publish(first)
    assert {p.name for p in done.paths()} >= {"leaderboard.md", "summary.csv", "summary.json"}
    assert len(done.plots) == 8 and done.verdicts
    shutil.copytree(first / "runs", second / "runs")  # another place, another day
    publish(second)
    assert file_tree(first) == file_tree(second)
    before = file_tree(first)
    assert main(["publish", "--results-dir", str(first)]) == 0  # and again, in place
    assert file_tree(first) == before


def test_summary_is_the_leaderboard_table_in_csv_and_json(tmp_path):
    write_fixture_runs(tmp_path)
    publish(tmp_path)
    record = json.loads((tmp_path / "summary.json").read_text())
    (section,) = record["sections"]
    assert section["hardware_fingerprint"] == "aaaaaaaaaaaa" and section["threads"] == 2
    assert section["runs"] == ["run-1"] and section["finished_at"] == "2026-11-21T09:00:00+00:00"
    rows = {row["model"]: row for row in section["rows"]}
    assert set(rows) == {"tinybert", "mobilebert", "bert-base"}
    assert rows["mobilebert"]["in-domain acc %"] > rows["tinybert"]["in-domain acc %"]
    with (tmp_path / "summary.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert {r["model"] for r in table} == set(rows)
    by_model = {r["model"]: r for r in table}
    assert float(by_model["bert-base"]["p50 ms b1/s128"]) == rows["bert-base"]["p50 ms b1/s128"]


def test_a_new_result_changes_what_is_published(tmp_path):
    write_fixture_runs(tmp_path)
    publish(tmp_path)
    before = file_tree(tmp_path)
    store = RunStore(tmp_path, "run-2")
    newer = fixture_results()[0]
    newer.run_id, newer.finished_at = "run-2", "2026-11-22T09:00:00+00:00"
    newer.metrics["points"][0]["p50_ms"] = 1.0
    store.write(newer)
    publish(tmp_path)
    after = file_tree(tmp_path)
    changed = {k for k in after if before.get(k) != after[k]}
    assert {"leaderboard.md", "summary.csv", "summary.json",
            "plots/aaaaaaaaaaaa-t2/latency-vs-batch-s128.png"} <= changed


def test_the_committed_results_are_what_publish_makes_of_the_committed_runs(tmp_path):
    """A change to a report that was not re-published shows here, not in a user's diff.
    Text files only: figures are byte-stable per matplotlib build, checked above."""
    from pathlib import Path

    committed = Path(__file__).resolve().parents[3] / "results"
    shutil.copytree(committed / "runs", tmp_path / "runs",
                    ignore=shutil.ignore_patterns("logs", ".writer.lock"))
    done = publish(tmp_path)
    for made in [done.leaderboard, *done.pages, done.html, done.summary_csv,
                 done.summary_json, *done.verdicts]:
        name = made.relative_to(tmp_path)
        assert made.read_bytes() == (committed / name).read_bytes(), f"re-run bench publish: {name}"
