"""The threads table: each model at every thread count of one machine, never across machines."""

from __future__ import annotations

from dataclasses import replace

from bench.report.threads import threads_table
from tests.factories import board_text, latency_point, make_result


def _timed(model: str, threads: int, b1: float, b8: float, fingerprint: str = "aaaaaaaaaaaa"):
    result = make_result(model=model, threads=threads, fingerprint=fingerprint, metrics={
        "points": [latency_point(1, 128, b1), latency_point(8, 128, b8)], "skipped": []})
    return replace(result, job_id=f"{model}__latency__t{threads}", job_key=f"{model}{threads}"
                   .ljust(64, "k"), run_id=f"run-t{threads}")


def test_one_and_two_threads_side_by_side_never_as_a_ratio():
    results = [_timed("mobilebert", 2, 50.0, 300.0), _timed("mobilebert", 1, 80.0, 570.0),
               _timed("bert-base", 2, 150.0, 1000.0), _timed("bert-base", 1, 285.0, 1950.0),
               _timed("tinybert", 1, 9.0, 60.0, fingerprint="bbbbbbbbbbbb")]
    table = threads_table(results, "aaaaaaaaaaaa").set_index("model")
    assert table.loc["mobilebert", "p50 ms b1/s128 1t"] == 80.0
    assert table.loc["mobilebert", "p50 ms b1/s128 2t"] == 50.0
    assert table.loc["bert-base", "p50 ms b8/s128 1t"] == 1950.0
    assert not [c for c in table.columns if " vs " in c]  # separate runs: no ratio
    assert "tinybert" not in table.index  # another machine
    assert threads_table(results, "bbbbbbbbbbbb").empty  # one thread count there
    text = board_text(results)
    assert text.count("### Threads") == 1  # once per machine, in its most-threads section
    assert "separate runs (1 thread: run-t1 (2026-11-21); 2 threads: run-t2 (2026-11-21))" \
        in text
    (page,) = [p for p in text.split("\n# Hardware ")[1:] if "### Threads" in p]
    assert page.startswith("`aaaaaaaaaaaa`, 2 threads: full tables")  # its most-threads one
