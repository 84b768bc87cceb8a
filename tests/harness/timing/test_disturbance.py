"""A timing taken beside another busy process is repeated, then flagged, never kept as clean."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from harness.timing import disturbance
from harness.timing.disturbance import MachineActivity, measure_undisturbed, watched


def test_a_busy_neighbour_is_seen_as_other_cpu():
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)  # the neighbour is running before we start
        _, activity = watched(lambda: time.sleep(1.0))
    finally:
        spinner.kill()
        spinner.wait()
    assert activity.other_cpu_cores > 0.5  # one core spinning, not counted as ours
    assert activity.disturbed
    assert activity.wall_s >= 1.0


def test_our_own_work_is_not_a_disturbance():
    def spin() -> None:
        end = time.monotonic() + 0.8
        while time.monotonic() < end:
            pass

    # Our own core-second is subtracted: what is left is what the rest of the machine did,
    # which a quiet interval just before measures (a CI machine may not be idle).
    _, idle = watched(lambda: time.sleep(0.8))
    _, activity = watched(spin)
    assert activity.other_cpu_cores < idle.other_cpu_cores + 0.5


def _activity(other: float) -> MachineActivity:
    return MachineActivity(wall_s=1.0, other_cpu_cores=other, steal_cores=0.0,
                           cpu_mhz_start=None, cpu_mhz_end=None)


@pytest.mark.parametrize(
    ("seen", "attempts", "disturbed"),
    [([0.0], 1, False), ([0.9, 0.0], 2, False), ([0.9, 0.9, 0.9], 3, True)],
)
def test_disturbed_measurements_are_repeated_then_flagged(monkeypatch, seen, attempts,
                                                          disturbed):
    readings = iter(seen)
    calls, retries = [], []

    def fake_watched(measure):
        return measure(), _activity(next(readings))

    monkeypatch.setattr(disturbance, "watched", fake_watched)
    value, record = measure_undisturbed(lambda: calls.append(1) or len(calls),
                                        on_retry=retries.append)
    assert value == attempts == record["attempts"] == len(calls)
    assert record["disturbed"] is disturbed
    assert len(record["repeated"]) == attempts - 1 == len(retries)
    assert record["thresholds"]["other_cpu_cores"] == disturbance.MAX_OTHER_CORES


def test_the_leaderboard_table_flags_a_disturbed_point():
    from suites.latency.suite import LatencySuite
    from tests.factories import latency_point, make_result

    point = {**latency_point(1, 128, 10.0), "disturbed": True,
             "machine": {"other_cpu_cores": 0.9, "steal_cores": 0.0}}
    clean = {**latency_point(8, 128, 50.0), "disturbed": False, "machine": {}}
    table = LatencySuite().table([make_result(metrics={"points": [point, clean],
                                                       "skipped": []})])
    assert list(table["disturbed"].fillna("")) == ["yes: 0.9 cores other, 0.0 steal", ""]


def test_the_summary_names_disturbed_timings_and_hides_the_column_otherwise():
    from bench.report.summary import DISTURBED_COLUMN, summary_table
    from tests.factories import latency_point, make_result

    def result(model: str, disturbed: bool):
        point = {**latency_point(1, 128, 10.0), "disturbed": disturbed}
        return make_result(model=model, metrics={"points": [point], "skipped": []})

    clean = summary_table([result("tinybert", False), result("bert-base", False)])
    assert DISTURBED_COLUMN not in clean.columns
    flagged = summary_table([result("tinybert", True), result("bert-base", False)])
    column = flagged[DISTURBED_COLUMN].fillna("")
    assert dict(zip(flagged["model"], column, strict=True)) == {
        "tinybert": "b1/s128", "bert-base": ""}
