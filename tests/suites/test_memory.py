from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from suites.memory.probe import RESULT_PREFIX
from suites.memory.suite import add_external_check
from suites.memory.tracker import (
    RssSampler,
    high_water_mark_mib,
    reset_high_water_mark,
    rss_mib,
)

ROOT = Path(__file__).resolve().parents[2]
LINUX_HWM = Path("/proc/self/clear_refs").exists()


def _run_probe(model_dir, batch, seq, prefix=()) -> subprocess.CompletedProcess:
    """The memory probe, standalone, as a user (or an outside tool) would start it."""
    cmd = [
        *prefix,
        sys.executable,
        "-m",
        "suites.memory.probe",
        "--model",
        str(model_dir),
        "--batch",
        str(batch),
        "--seq",
        str(seq),
        "--threads",
        "1",
    ]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_sampler_sees_a_short_lived_allocation():
    before = rss_mib()
    with RssSampler(0.005) as sampler:
        block = np.ones(200 * 2**20 // 8)  # 200 MiB, touched
        time.sleep(0.05)
        del block
    assert sampler.peak_mib - before >= 180
    assert sampler.samples >= 5 and sampler.mean_interval_ms <= 10


@pytest.mark.skipif(not LINUX_HWM, reason="needs Linux /proc/self/clear_refs")
def test_high_water_mark_reset_forgets_an_earlier_peak():
    block = np.ones(300 * 2**20 // 8)
    del block
    assert high_water_mark_mib() - rss_mib() >= 250
    assert reset_high_water_mark()
    assert high_water_mark_mib() - rss_mib() < 50


def test_external_check_compares_the_lifetime_peak_and_names_its_phase():
    forward = add_external_check({"peak_forward_mib": 1000.0, "peak_load_mib": 600.0}, 1020.0)
    assert forward["peak_phase"] == "forward" and forward["agrees_with_external"]
    load = add_external_check({"peak_forward_mib": 500.0, "peak_load_mib": 800.0}, 805.0)
    assert load["peak_phase"] == "load" and load["agrees_with_external"]
    off = add_external_check({"peak_forward_mib": 500.0, "peak_load_mib": 400.0}, 700.0)
    assert not off["agrees_with_external"]


@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="GNU time not installed")
def test_standalone_probe_agrees_with_gnu_time(tiny_model_dirs):
    """The same point, run standalone under /usr/bin/time -v: peaks within 5%."""
    done = _run_probe(tiny_model_dirs["bert"], 4, 64, prefix=["/usr/bin/time", "-v"])
    assert done.returncode == 0, done.stderr[-2000:]
    point = json.loads(done.stdout.split(RESULT_PREFIX, 1)[1])
    external_mib = (
        int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
    )
    internal = max(point["peak_forward_mib"], point["peak_load_mib"])
    assert internal == pytest.approx(external_mib, rel=0.05)
    assert point["rss_after_load_mib"] > point["rss_after_imports_mib"] > point["rss_start_mib"]


def test_probe_refuses_a_sequence_longer_than_the_model_allows(tiny_model_dirs):
    done = _run_probe(tiny_model_dirs["bert"], 1, 512)
    assert done.returncode != 0 and "max_position_embeddings 64" in done.stderr
