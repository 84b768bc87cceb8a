"""A timed point as the latency suite stores it, the A/A control's record, and the note
the leaderboard shows for a point the machine disturbed."""

from __future__ import annotations

from typing import Any

from harness.timing.tracker import LatencyStats
from suites.latency.rounds import Entry, Point, PointTiming


def point_record(point: Point, timing: PointTiming, group: str) -> dict[str, Any]:
    """A timed point as stored: the statistics over every timed call, the calls per round
    (``samples_ms`` in round order), the interleaving group, and the machine's record."""
    from harness.ratios import level_noise_pct
    from harness.timing.disturbance import summarize
    from harness.timing.energy import per_call

    stats = LatencyStats.from_samples(*point, timing.samples_s, len(timing.warmup_s))
    record = {**stats.to_dict(), "first_call_ms": round(timing.first_s * 1e3, 3),
              "round_calls": [len(burst) for burst in timing.rounds_s], "group": group,
              "rounds_stop": timing.stop}
    noise = level_noise_pct(record)
    machine = summarize(timing.machine)
    joules = per_call(timing.machine, len(timing.samples_s))
    if "joules_per_call" in joules:
        joules["joules_per_sample"] = round(joules["joules_per_call"] / point[0], 6)
    return {**record, "noise_pct": None if noise is None else round(noise, 2),
            "disturbed": machine["disturbed"], "machine": machine, **joules}


def control_record(twin: Entry, control: Entry, timings: dict[str, dict[Point, PointTiming]],
                    group: str) -> dict[str, Any]:
    """The A/A control: the twin's speed relative to itself, paired round by round. Its
    distance from 1 is what chance alone does to a ratio in this run."""
    from harness.ratios import speed_ratio

    points = {}
    for point, mine in timings.get(control.name, {}).items():
        theirs = timings.get(twin.name, {}).get(point)
        if theirs is None or not mine.rounds_s:
            continue
        ratio = speed_ratio(point_record(point, theirs, group), point_record(point, mine, group))
        points[f"b{point[0]}/s{point[1]}"] = ratio.rounded(3)
    return {"entry": twin.name, "points": points}


def disturbed_note(machine: dict[str, Any]) -> str:
    """What the leaderboard says about a point the machine disturbed even after repeats."""
    rounds = (f"{machine['disturbed_rounds']}/{machine['rounds']} rounds, "
              if "rounds" in machine else "")
    return (f"yes: {rounds}{machine['other_cpu_cores']} cores other, "
            f"{machine['steal_cores']} steal")
