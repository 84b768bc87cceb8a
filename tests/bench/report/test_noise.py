"""The noise notes under a section's summary: how ratios were formed, the A/A control, and
why each interleaved point's rounds stopped."""

from __future__ import annotations

from bench.report.noise import noise_floor, ratio_notes
from tests.factories import latency_point, make_result


def _timed(model: str, group: str, stops: dict[tuple[int, int], dict]) -> object:
    points = []
    for (batch, seq), stop in stops.items():
        point = latency_point(batch, seq, 10.0)
        point.update(group=group, noise_pct=1.0, rounds_stop=stop)
        points.append(point)
    return make_result(model=model, metrics={"points": points, "skipped": [],
                                             "interleaving": {"group": group}})


def _stop(reason: str, widest: float, rounds: int = 12) -> dict:
    return {"planned_rounds": 6, "rounds": rounds, "stopped": reason, "target_ci_pct": 1.5,
            "widest_ci_pct": widest, "seconds": 10.0}


def test_each_points_stop_is_counted_once_per_group_and_stated():
    met, capped = _stop("target met", 1.2), _stop("time cap", 2.8)
    # two jobs of one group carry the same record per point: counted once
    results = [_timed(m, "g1", {(1, 128): met, (8, 128): capped}) for m in ("a", "b")]
    results.append(_timed("c", "g2", {(1, 128): _stop("target met", 1.4)}))
    summary = noise_floor(results)["rounds_stop"]
    assert summary == {"target_ci_pct": [1.5], "by_reason": {
        "target met": {"points": 2, "widest_ci_pct": 1.4},
        "time cap": {"points": 1, "widest_ci_pct": 2.8}}}
    text = "\n".join(ratio_notes(results))
    assert "of 3 interleaved points: target met: 2 (widest ±1.40%); time cap: 1 (widest " \
           "±2.80%)" in text
    assert "median of the per-round ratios" in text


def test_runs_stored_before_rounds_had_a_target_state_no_stop_line():
    old = make_result(metrics={"points": [{**latency_point(1, 128, 10.0), "noise_pct": 1.0}],
                               "skipped": []})
    assert noise_floor([old])["rounds_stop"] is None
    assert not any("Rounds per point" in line for line in ratio_notes([old]))
