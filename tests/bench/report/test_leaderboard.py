from __future__ import annotations

import pytest

from bench.report.leaderboard import latest_per_job, render, write_leaderboard
from bench.report.summary import summary_table
from bench.run.store import RunStore
from tests.factories import board_text, latency_point, make_result, memory_point, news_metrics

HW_A, HW_B = "aaaaaaaaaaaa", "bbbbbbbbbbbb"


def _latency(model: str, b1: float, b8: float, fingerprint: str = HW_A, **kw):
    points = [latency_point(1, 128, b1), latency_point(8, 128, b8)]
    return make_result(
        model=model, metrics={"points": points, "skipped": []}, fingerprint=fingerprint, **kw
    )


def _static(model: str, params: int, gflops: float, fingerprint: str = HW_A):
    metrics = {
        "parameters": params,
        "embedding_parameters": params // 4,
        "fp32_mib": params * 4 / 2**20,
        "safetensors_mib": params * 4 / 2**20,
        "flops_per_forward": {"128": int(gflops * 1e9)},
        "flops_counted": "matmuls",
    }
    return make_result(model=model, suite="static", metrics=metrics, fingerprint=fingerprint)


def _memory(model: str, peak: float, fingerprint: str = HW_A):
    return make_result(model=model, suite="memory",
                       metrics={"points": [memory_point(8, 512, peak)]}, fingerprint=fingerprint)


def test_summary_has_cost_columns_and_speedup_vs_bert_base():
    results = [
        _latency("bert-base", 200.0, 1600.0),
        _latency("tinybert", 20.0, 100.0),
        _static("bert-base", 109_483_778, 22.35),
        _static("tinybert", 14_350_874, 1.25),
        _memory("bert-base", 1125.0),
        _memory("tinybert", 560.0),
    ]
    table = summary_table(results).set_index("model")
    assert table.loc["tinybert", "× vs bert-base b1/s128"] == pytest.approx(10.0)
    assert table.loc["tinybert", "× vs bert-base b8/s128"] == pytest.approx(16.0)
    assert table.loc["bert-base", "× vs bert-base b1/s128"] == pytest.approx(1.0)
    assert table.loc["tinybert", "params (M)"] == pytest.approx(14.35)
    assert table.loc["tinybert", "GFLOPs s128"] == pytest.approx(1.25)
    assert table.loc["tinybert", "peak MiB b8/s512"] == 560
    assert list(table.index) == ["tinybert", "bert-base"]  # smallest first
    assert "FLOP × b1/s128" not in table  # no FLOP counts in these points: no split


def test_summary_splits_each_speedup_into_flop_and_efficiency_factors():
    results = [_latency("bert-base", 200.0, 1600.0), _latency("tinybert", 20.0, 100.0)]
    for r, gflops in zip(results, (22.35e9, 1.25e9), strict=True):
        for point in r.metrics["points"]:
            point["flops"] = int(gflops * point["batch_size"])
    table = summary_table(results).set_index("model")
    flop, eff = table.loc["tinybert", "FLOP × b1/s128"], table.loc["tinybert",
                                                                   "efficiency × b1/s128"]
    assert flop == pytest.approx(17.88, abs=0.01)
    assert flop * eff == pytest.approx(table.loc["tinybert", "× vs bert-base b1/s128"],
                                       rel=0.01)


def test_different_hardware_never_shares_a_table():
    results = [_latency("bert-base", 200.0, 1600.0, HW_A), _latency("tinybert", 20.0, 100.0, HW_B)]
    text = render(results)
    sections = text.split("## Hardware ")[1:]
    assert len(sections) == 2
    a, b = (s for s in sections)
    assert a.startswith(f"`{HW_A}`") and "tinybert" not in a
    assert b.startswith(f"`{HW_B}`") and "bert-base" not in b.replace("vs bert-base", "")
    # no speed-up without the reference on the same hardware
    assert summary_table([results[1]]).iloc[0]["× vs bert-base b1/s128"] is None


def test_thread_counts_get_separate_sections_and_failures_are_listed():
    results = [
        _latency("tinybert", 20.0, 100.0, threads=1),
        _latency("tinybert", 12.0, 60.0, threads=2),
        make_result(model="distilbert", status="failed"),
    ]
    text = render(results)
    assert f"`{HW_A}`, 1 threads" in text and f"`{HW_A}`, 2 threads" in text
    assert "**1 failed job(s)** listed there" in text  # the leaderboard points down to it
    assert "### Failed jobs" in board_text(results) and "boom" in board_text(results)


def test_newest_result_wins_and_rendering_is_deterministic(tmp_path):
    old = _latency("tinybert", 50.0, 100.0, run_id="r1", finished_at="2026-11-20T00:00:00+00:00")
    new = _latency("tinybert", 20.0, 100.0, run_id="r2", finished_at="2026-11-21T00:00:00+00:00")
    for result in (old, new):
        RunStore(tmp_path, result.run_id).write(result)
    assert latest_per_job([new, old]) == [new]
    written = write_leaderboard(tmp_path)
    (page,) = written.pages
    first = page.read_text()
    row = next(line for line in first.splitlines() if line.startswith("| tinybert (random-init) |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # backend, batch, seq, n, p50 of the newer run
    assert cells[1:6] == ["pytorch-sdpa", "1", "128", "5", "20"]
    again = write_leaderboard(tmp_path)
    assert again.pages[0].read_text() == first
    assert again.path.read_text() == written.path.read_text()
    assert render([]).count("No results yet") == 1


def test_ratios_carry_their_ci_as_numbers_and_render_it_in_one_cell():
    import pandas as pd

    from bench.report.noise import ci_columns, with_ci
    from bench.report.summary import summary_table
    from harness.ratios import Ratio

    row = {"model": "m", **ci_columns("× vs x", Ratio(3.4123, 3.351, 3.4749, True, 10)),
           **ci_columns("× vs y", None)}
    assert row == {"model": "m", "× vs x": 3.41, "× vs x low": 3.35, "× vs x high": 3.47,
                   "× vs y": None, "× vs y low": None, "× vs y high": None}
    shown = with_ci(pd.DataFrame([row]))
    assert list(shown.columns) == ["model", "× vs x", "× vs y"]
    assert shown.loc[0, "× vs x"] == "3.41 (3.35–3.47)" and shown.loc[0, "× vs y"] is None

    def rounds(p50s, group="g"):
        point = latency_point(1, 128, sorted(p50s)[len(p50s) // 2])
        return {**point, "samples_ms": p50s, "round_calls": [1] * len(p50s), "group": group,
                "n": len(p50s)}

    base = make_result(model="bert-base", metrics={"points": [rounds([100.0, 120, 90, 110])]})
    tiny = make_result(model="tinybert", metrics={"points": [rounds([10.0, 12, 9, 11])]})
    frame = summary_table([base, tiny]).set_index("model")
    assert frame.loc["tinybert", "× vs bert-base b1/s128"] == 10.0  # paired: exact
    assert frame.loc["tinybert", "× vs bert-base b1/s128 low"] == 10.0


def test_a_pipe_in_a_mistake_excerpt_stays_in_its_cell():
    from bench.report.accuracy import error_analysis

    mistake = {"id": "r7", "true": "fake", "predicted": "real", "confidence": 0.97,
               "excerpt": "Left | right headline"}
    scored = {**news_metrics(20, 0.5)["test"], "confident_mistakes": [mistake]}
    result = make_result(suite="external", metrics={"finetuned_dir": None,
                                                    "sets": {"gossip": scored}})
    text = error_analysis([result])
    assert "#### tinybert on gossip: 1 most confident mistakes" in text
    (row,) = [line for line in text.splitlines() if line.startswith("| r7")]
    assert "Left \\| right headline" in row and row.count(" | ") == 4


def test_a_section_names_the_runs_that_ran_on_a_ray_cluster():
    from harness.records.schema import ExecutorRecord

    local = _latency("bert-base", 200.0, 1600.0, run_id="here")
    remote = _latency("tinybert", 20.0, 100.0, run_id="there")
    remote.executor = ExecutorRecord("ray", hostname="node-1", node_type="xeon")
    assert "Ray cluster" not in render([local])
    assert "on a Ray cluster: there (" in render([local, remote])


def test_each_section_opens_with_a_compact_answer_and_links_its_full_tables(tmp_path):
    from bench.report.summary import compact_table
    from tests.factories import fixture_results

    results = [*fixture_results(), _static("tinybert", 14_350_000, 1.25),
               _static("bert-base", 109_480_000, 22.35)]
    results[0].metrics["points"][0].update(  # tinybert's b1/s128, still disturbed
        disturbed=True, machine={"other_cpu_cores": 0.9, "steal_cores": 0.0})
    table = compact_table(results).set_index("model")
    assert len(table.columns) + 1 <= 10
    assert table.loc["tinybert", "params (M)"] == 14.35
    assert str(table.loc["tinybert", "p50 ms b1/s128"]).endswith("(disturbed)")
    assert table.loc["tinybert", "× vs bert-base b1/s128"].count("(") == 1  # CI in its cell
    assert table.loc["mobilebert", "in-domain acc %"] > table.loc["tinybert", "in-domain acc %"]
    assert "peak MiB b8/s512" in table.columns

    for r in results:
        r.job_id = f"{r.model.name}__{r.suite}"
        RunStore(tmp_path, r.run_id).write(r)
    written = write_leaderboard(tmp_path)
    text = written.path.read_text()
    (page,) = written.pages
    assert f"]({page.relative_to(tmp_path).as_posix()})" in text  # the way down
    assert "Back to [the leaderboard](../leaderboard.md)" in page.read_text()
    assert "disturbed" in text and "tinybert b1/s128" in text  # said under the table too
    # the full tables live on the page, not on the board
    assert "### Summary" not in text and "### Summary" in page.read_text()
    figure = next(line for line in text.splitlines() if line.startswith("!["))
    assert "accuracy-vs-latency" in figure and f"](plots/{page.stem}/" in figure


def test_the_best_backend_columns_appear_only_where_another_backend_was_timed():
    from dataclasses import replace

    from bench.report.summary import compact_table

    alone = [_latency("bert-base", 200.0, 1600.0), _latency("tinybert", 20.0, 100.0)]
    assert not [c for c in compact_table(alone).columns if c.startswith("best")]
    int8 = replace(alone[1], job_id="tinybert__latency__int8", metrics={
        **alone[1].metrics, "backend": "pytorch-int8", "precision": "int8",
        "points": [latency_point(1, 128, 10.0), latency_point(8, 128, 50.0)],
        "parity": {"passed": True, "agreement": 1.0, "max_abs_logit_diff": 0.01,
                   "reason": ""}})
    int8.config = {**int8.config, "backend": "pytorch-int8"}
    shown = compact_table([*alone, int8]).set_index("model")
    assert shown.loc["tinybert", "best backend b8/s128"] == "pytorch-int8"


def test_a_section_page_no_longer_produced_is_removed_and_other_files_kept(tmp_path):
    a = _latency("tinybert", 20.0, 100.0, HW_A, run_id="ra")
    b = _latency("tinybert", 20.0, 100.0, HW_B, run_id="rb")
    for r in (a, b):
        RunStore(tmp_path, r.run_id).write(r)
    first = write_leaderboard(tmp_path)
    assert len(first.pages) == 2
    # one model × one backend per section: nothing to trade off, and the board says so
    assert first.path.read_text().count("No Pareto figure here") == 2
    mine = tmp_path / "sections" / "notes.md"
    mine.write_text("a user's own file")
    import shutil

    shutil.rmtree(tmp_path / "runs" / "rb")
    (kept,) = write_leaderboard(tmp_path).pages
    assert sorted(p.name for p in (tmp_path / "sections").iterdir()) == sorted(
        [kept.name, "notes.md", "manifest.json"])


def test_the_committed_leaderboard_stays_small():
    from pathlib import Path

    board = Path(__file__).resolve().parents[3] / "results" / "leaderboard.md"
    assert board.stat().st_size <= 40_000, "the board leads; full tables go to sections/"
