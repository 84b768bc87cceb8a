from __future__ import annotations

import json

import pytest

from bench.cli import main
from bench.report.compare import compare_runs, render
from bench.report.delta import CompareError, parse_fail_on
from bench.report.significance import compare_samples
from bench.run.store import RunStore
from tests.factories import make_result, memory_point, news_metrics, timed_point


def write_run(root, run_id, *, latency=100.0, memory=500.0, accuracy=None, seed=0,
              fingerprint="aaaaaaaaaaaa"):
    """A run with one latency job (2 points), one memory job and optionally a welfake job."""
    store = RunStore(root, run_id)
    points = [timed_point(1, 128, latency, seed=seed), timed_point(8, 128, 6 * latency,
                                                                   seed=seed + 1)]
    jobs = [
        make_result(metrics={"points": points, "skipped": []}, run_id=run_id,
                    fingerprint=fingerprint),
        make_result(suite="memory", metrics={"points": [memory_point(1, 128, memory)]},
                    run_id=run_id, fingerprint=fingerprint),
    ]
    if accuracy is not None:
        jobs.append(make_result(suite="welfake", metrics=accuracy, run_id=run_id,
                                fingerprint=fingerprint))
    for result in jobs:
        store.write(result)
    return store.dir


def test_same_distribution_is_no_change_and_a_shift_is_found():
    a = timed_point(1, 128, 100.0, seed=1)["samples_ms"]
    same = timed_point(1, 128, 100.0, seed=2)["samples_ms"]
    change, ci, p = compare_samples(a, same)
    assert p > 0.05 and ci[0] < 0 < ci[1]
    slower = timed_point(1, 128, 120.0, seed=3)["samples_ms"]
    change, ci, p = compare_samples(a, slower)
    assert p < 0.001 and ci[0] < 20 < ci[1] and 15 < change < 25


def test_one_slow_outlier_is_not_a_regression():
    a = timed_point(1, 128, 100.0, seed=1)["samples_ms"]
    b = list(timed_point(1, 128, 100.0, seed=2)["samples_ms"])
    b[0] = 400.0  # a single hiccup moves the mean, not the distribution
    _, _, p = compare_samples(a, b)
    assert p > 0.05


def test_gate_exit_codes(tmp_path, capsys):
    write_run(tmp_path, "base", latency=100.0)
    write_run(tmp_path, "slow", latency=130.0, seed=5)
    write_run(tmp_path, "fast", latency=70.0, seed=7)
    write_run(tmp_path, "same", latency=100.0, seed=9)
    args = ["--results-dir", str(tmp_path)]
    assert main(["compare", "base", "slow", *args, "--fail-on", "latency=10%"]) == 1
    assert "FAIL — 2 significant regression(s)" in capsys.readouterr().out
    assert main(["compare", "base", "slow", *args, "--fail-on", "latency=50%"]) == 0
    assert main(["compare", "base", "slow", *args]) == 0  # no gate asked for: report only
    assert main(["compare", "base", "fast", *args, "--fail-on", "latency=10%"]) == 0
    assert "improvement" in capsys.readouterr().out
    assert main(["compare", "base", "same", *args, "--fail-on", "latency=1%"]) == 0


def test_memory_regression_beyond_the_floor(tmp_path):
    write_run(tmp_path, "a", memory=500.0)
    write_run(tmp_path, "b", memory=560.0)
    args = ["--results-dir", str(tmp_path)]
    assert main(["compare", "a", "b", *args, "--fail-on", "memory=5%"]) == 1
    assert main(["compare", "a", "b", *args, "--fail-on", "memory=20%"]) == 0


def test_different_hardware_is_refused_unless_allowed(tmp_path, capsys):
    write_run(tmp_path, "here", latency=100.0)
    write_run(tmp_path, "there", latency=130.0, seed=5, fingerprint="bbbbbbbbbbbb")
    args = ["--results-dir", str(tmp_path), "--fail-on", "latency=10%"]
    assert main(["compare", "here", "there", *args]) == 2
    out = capsys.readouterr().out
    assert "REFUSED (3)" in out and "aaaaaaaaaaaa vs bbbbbbbbbbbb" in out
    assert "| latency" not in out  # no numbers shown for the refused rows
    assert main(["compare", "here", "there", *args, "--allow-hardware-mismatch"]) == 1
    out = capsys.readouterr().out
    assert "DIFFERENT HARDWARE" in out and "measure the machines" in out


def test_accuracy_on_the_same_rows_is_paired(tmp_path):
    base = news_metrics(600, 0.85, seed=1)
    worse = json.loads(json.dumps(base))
    predictions = worse["test"]["predictions"]
    flipped = 0
    for i, (p, y) in enumerate(zip(predictions, worse["test"]["labels"], strict=True)):
        if p == y and flipped < 60:  # 10 points worse, on the very same rows
            predictions[i], flipped = 1 - y, flipped + 1
    worse["test"]["accuracy"] -= 0.10
    write_run(tmp_path, "a", accuracy=base)
    write_run(tmp_path, "b", accuracy=worse)
    args = ["--results-dir", str(tmp_path)]
    assert main(["compare", "a", "b", *args, "--fail-on", "accuracy=5pt"]) == 1
    assert main(["compare", "a", "b", *args, "--fail-on", "accuracy=15pt"]) == 0
    comparison = compare_runs([make_result(suite="welfake", metrics=base)],
                              [make_result(suite="welfake", metrics=worse)])
    (delta,) = [d for d in comparison.deltas if d.metric == "accuracy"]
    assert delta.method.startswith("paired") and delta.p_value < 1e-6
    assert delta.ci[0] < -10 < delta.ci[1]


def test_accuracy_on_different_rows_uses_an_unpaired_interval():
    a = news_metrics(400, 0.80, seed=1)
    b = news_metrics(400, 0.82, seed=2, fingerprint="e" * 64)
    comparison = compare_runs([make_result(suite="welfake", metrics=a)],
                              [make_result(suite="welfake", metrics=b)])
    (delta,) = [d for d in comparison.deltas if d.metric == "accuracy"]
    assert delta.method.startswith("unpaired") and delta.p_value is None
    assert not delta.significant  # 2 points on 400 rows is within the noise


def test_detection_metrics_are_tested_on_the_same_rows_and_can_gate():
    a, b = news_metrics(600, 0.90, seed=1), news_metrics(600, 0.70, seed=1)
    comparison = compare_runs([make_result(suite="welfake", metrics=a)],
                              [make_result(suite="welfake", metrics=b)])
    rows = {d.unit: d for d in comparison.deltas if d.metric == "detection"}
    assert set(rows) == {"ROC-AUC ×100", "PR-AUC ×100", "MCC ×100", "bal. acc %"}
    roc = rows["ROC-AUC ×100"]
    assert roc.a == pytest.approx(100 * a["test"]["roc_auc"]) and roc.change < -10
    assert roc.method.startswith("paired bootstrap") and roc.ci[1] < 0 < roc.ci[1] + 40
    assert roc.regression and rows["MCC ×100"].regression
    failing = comparison.regressions({"detection": 5.0})
    assert {d.unit for d in failing} == set(rows)
    assert "| detection | tinybert |" in render(comparison, {"detection": 5.0})
    same = compare_runs([make_result(suite="welfake", metrics=a)],
                        [make_result(suite="welfake", metrics=a)])
    assert not any(d.regression for d in same.deltas)


def test_detection_without_stored_probabilities_is_shown_untested():
    a, b = news_metrics(400, 0.90, seed=1), news_metrics(400, 0.80, seed=1)
    for m in (a, b):
        del m["test"]["positive_scores"]  # results written before per-row scores were kept
    comparison = compare_runs([make_result(suite="welfake", metrics=a)],
                              [make_result(suite="welfake", metrics=b)])
    rows = {d.unit: d for d in comparison.deltas if d.metric == "detection"}
    assert rows["ROC-AUC ×100"].verdict == "not tested" and rows["ROC-AUC ×100"].ci is None
    assert rows["MCC ×100"].ci is not None  # from predictions and labels, still tested


def test_fail_on_syntax():
    assert parse_fail_on(["latency=10%", "memory=5", "accuracy=1.5pt", "detection=2pt"]) == {
        "latency": 10.0, "memory": 5.0, "accuracy": 1.5, "detection": 2.0}
    for bad in ("latency=10pt", "accuracy=1%", "detection=2%", "speed=3", "latency=fast"):
        with pytest.raises(CompareError, match="--fail-on"):
            parse_fail_on([bad])


def test_runs_with_nothing_in_common_or_missing_are_errors(tmp_path, capsys):
    write_run(tmp_path, "a")
    store = RunStore(tmp_path, "other")
    store.write(make_result(suite="static", run_id="other", metrics={
        "parameters": 1, "embedding_parameters": 0, "fp32_mib": 0.0, "flops_per_forward": {}}))
    assert main(["compare", "a", "other", "--results-dir", str(tmp_path)]) == 2
    assert "nothing to compare" in capsys.readouterr().err
    assert main(["compare", "a", "nope", "--results-dir", str(tmp_path)]) == 2
    assert "no run 'nope'" in capsys.readouterr().err


def test_json_report(tmp_path):
    write_run(tmp_path, "a")
    write_run(tmp_path, "b", latency=130.0, seed=5)
    out = tmp_path / "delta.json"
    main(["compare", "a", "b", "--results-dir", str(tmp_path), "--json", str(out)])
    report = json.loads(out.read_text())
    latency = [d for d in report["deltas"] if d["metric"] == "latency"]
    assert len(latency) == 2 and all(d["regression"] for d in latency)


def test_several_baseline_runs_set_a_noise_floor_the_gate_respects(tmp_path, capsys):
    # Three baseline runs that drift by ±12% between themselves, as this VM does.
    for run_id, latency, seed in (("a1", 100.0, 11), ("a2", 112.0, 12), ("a3", 90.0, 13)):
        write_run(tmp_path, run_id, latency=latency, seed=seed)
    write_run(tmp_path, "drift", latency=110.0, seed=14)  # inside the baseline's spread
    write_run(tmp_path, "slow", latency=150.0, seed=15)  # well beyond it
    args = ["--results-dir", str(tmp_path), "--fail-on", "latency=5%"]

    assert main(["compare", "a1", "drift", *args]) == 1  # one baseline: drift looks real
    capsys.readouterr()
    assert main(["compare", "a1,a2,a3", "drift", *args]) == 0
    out = capsys.readouterr().out
    assert "±" in out and "run a1, a2, a3" in out and "gate (latency > 5%): pass" in out
    assert main(["compare", "a1,a2,a3", "slow", *args]) == 1

    from bench.report.compare import load_run
    from bench.report.significance import between_run_noise

    comparison = compare_runs(load_run("a1,a2,a3", tmp_path), load_run("drift", tmp_path))
    latency = [d for d in comparison.deltas if d.metric == "latency"]
    assert all(d.noise_pct == pytest.approx(between_run_noise([100.0, 112.0, 90.0]), rel=0.05)
               for d in latency)
    assert between_run_noise([100.0]) is None


def test_baseline_runs_of_different_machines_are_never_pooled(tmp_path, capsys):
    # A real +40% regression hidden by pooling a fast and a slow machine's baselines.
    write_run(tmp_path, "a1", latency=100.0, fingerprint="aaaaaaaaaaaa")
    write_run(tmp_path, "a2", latency=200.0, seed=3, fingerprint="bbbbbbbbbbbb")
    write_run(tmp_path, "b", latency=140.0, seed=5, fingerprint="aaaaaaaaaaaa")
    code = main(["compare", "a1,a2", "b", "--results-dir", str(tmp_path),
                 "--fail-on", "latency=10%"])
    out = capsys.readouterr().out
    assert code == 2
    assert "baseline runs were measured on different machines (a1 on aaaaaaaaaaaa, a2 on " \
           "bbbbbbbbbbbb)" in out
    assert "gate (latency > 10%): NOT PASSED" in out and ": pass" not in out


def test_points_timed_at_different_thread_counts_are_refused_by_name(tmp_path, capsys):
    write_run(tmp_path, "a", latency=100.0)
    store = RunStore(tmp_path, "b")
    store.write(make_result(metrics={"points": [timed_point(1, 128, 100.0)], "skipped": []},
                            run_id="b", threads=1))
    assert main(["compare", "a", "b", "--results-dir", str(tmp_path)]) == 2
    assert "threads 2 vs 1" in capsys.readouterr().out


def test_runs_of_different_executors_are_compared_with_a_note(tmp_path):
    from bench.run.store import load_result
    from harness.records.schema import ExecutorRecord

    runs = {name: write_run(tmp_path, name) for name in ("a", "b")}
    a, b = ([load_result(p) for p in sorted(runs[name].glob("*.json"))] for name in "ab")
    assert not any("executors differ" in n for n in compare_runs(a, b).notices)
    for result in b:
        result.executor = ExecutorRecord("ray", hostname="node-1")
    comparison = compare_runs(a, b)
    assert any("executors differ (A local, B ray)" in n for n in comparison.notices)
    assert "executor ray" in comparison.b_label and comparison.deltas  # compared, not refused
