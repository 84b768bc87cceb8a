"""The allocator's thresholds are pinned in a timing process, and every runtime record says
what the allocator ran with."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import json, sys
from harness import allocator
before = allocator.malloc_record()
pinned = allocator.pin_malloc()
assert allocator.pin_malloc() is pinned  # once per process
print(json.dumps({"before": before, "pinned": pinned, "after": allocator.malloc_record()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_pinning_sets_glibcs_thresholds_and_is_recorded():
    import json
    import platform

    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                         check=True)
    record = json.loads(out.stdout)
    assert "not pinned" in record["before"]["allocator"]
    if platform.libc_ver()[0] != "glibc":
        assert record["pinned"]["allocator"].startswith("not glibc")
        return
    from harness.allocator import MMAP_THRESHOLD, TRIM_THRESHOLD

    assert record["pinned"] == record["after"] == {
        "allocator": "glibc malloc, thresholds pinned (mallopt)",
        "mmap_threshold": MMAP_THRESHOLD, "trim_threshold": TRIM_THRESHOLD}


def test_a_refused_threshold_is_not_recorded_as_pinned(monkeypatch):
    # mallopt returns 0 when it refuses a value: the record must not claim a state the
    # process is not in (nothing is changed in this test process: mallopt is a fake)
    import ctypes
    from types import SimpleNamespace

    from harness import allocator

    monkeypatch.setattr(allocator, "_state", None)
    monkeypatch.setattr(ctypes, "CDLL", lambda name: SimpleNamespace(mallopt=lambda k, v: 0))
    assert "pinned (mallopt)" not in allocator.pin_malloc()["allocator"]
