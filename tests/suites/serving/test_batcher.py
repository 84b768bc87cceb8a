"""The dynamic batcher: every request answered once, batches bounded, bucketing groups
similar lengths, a failing batch still answers its requests."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from suites.serving.batcher import Batching, DynamicBatcher


def _drain(batcher: DynamicBatcher, answered: list, n: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(answered) < n and time.monotonic() < deadline:
        time.sleep(0.005)


@pytest.mark.parametrize("padding", ["fixed", "dynamic", "bucketed"])
@pytest.mark.parametrize("streams", [1, 3])
def test_every_request_is_answered_once_in_bounded_batches(padding, streams):
    lengths = [3, 40, 5, 38, 7, 36, 9, 34, 11, 32] * 4
    seen: list[tuple[list[int], int]] = []
    lock = threading.Lock()
    answered: list[tuple[int, int, object]] = []

    def run(indices, width):
        time.sleep(0.002)
        with lock:
            seen.append((indices, width))
        return [f"out{i}" for i in indices]

    def complete(items):
        with lock:
            answered.extend(items)

    with DynamicBatcher([run] * streams, lengths, Batching(4, 0.0, padding, 64),
                        complete) as batcher:
        batcher.submit([SimpleNamespace(id=1000 + i, index=i) for i in range(len(lengths))])
        _drain(batcher, answered, len(lengths))
        stats = batcher.stats().to_dict()
    assert sorted(q for q, _, _ in answered) == [1000 + i for i in range(len(lengths))]
    assert all(out == f"out{i}" for _, i, out in answered)
    assert all(1 <= len(ix) <= 4 for ix, _ in seen)
    for indices, width in seen:
        assert width == (64 if padding == "fixed" else max(lengths[i] for i in indices))
    assert stats["samples"] == len(lengths) and 0 <= stats["pad_fraction"] < 1
    if padding == "fixed":
        assert stats["pad_fraction"] == pytest.approx(1 - sum(lengths) / (64 * len(lengths)),
                                                      abs=1e-4)


def test_bucketing_pads_less_than_first_come_first_served():
    lengths = [3, 60] * 16
    waste = {}
    for padding in ("dynamic", "bucketed"):
        gate = threading.Event()
        answered: list = []

        def run(indices, width, gate=gate):
            gate.wait(5)
            return None

        with DynamicBatcher([run], lengths, Batching(4, 0.0, padding, 64),
                            answered.extend) as batcher:
            batcher.submit([SimpleNamespace(id=i, index=i) for i in range(len(lengths))])
            gate.set()  # the whole queue is waiting before the first batch is taken
            _drain(batcher, answered, len(lengths))
            waste[padding] = batcher.stats().to_dict()["pad_fraction"]
    assert waste["bucketed"] < waste["dynamic"]


def test_the_queue_delay_waits_for_a_fuller_batch():
    sizes: list[int] = []
    answered: list = []
    with DynamicBatcher([lambda ix, w: sizes.append(len(ix))], [5] * 8,
                        Batching(8, 200.0, "dynamic", 64), answered.extend) as batcher:
        for i in range(8):
            batcher.submit([SimpleNamespace(id=i, index=i)])
            time.sleep(0.005)
        _drain(batcher, answered, 8)
    assert sizes[0] > 1  # waited instead of sending the first request alone


def test_a_failing_batch_still_answers_and_keeps_the_error():
    answered: list = []

    def run(indices, width):
        raise RuntimeError("kernel exploded")

    with DynamicBatcher([run], [5, 6], Batching(), answered.extend) as batcher:
        batcher.submit([SimpleNamespace(id=1, index=0), SimpleNamespace(id=2, index=1)])
        _drain(batcher, answered, 2)
    assert sorted(q for q, _, _ in answered) == [1, 2]
    assert "kernel exploded" in repr(batcher.errors[0])


@pytest.mark.parametrize(("kwargs", "match"), [({"padding": "sorted"}, "unknown padding"),
                                               ({"max_batch": 0}, "max batch"),
                                               ({"max_delay_ms": -1}, "max batch")])
def test_impossible_batching_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Batching(**kwargs)


def _timed(batcher: DynamicBatcher, times: list[tuple[float, float]]) -> None:
    batcher._stats[0].times = times  # (arrival, answer) pairs as a run would leave them


def test_a_stall_is_one_burst_of_late_answers_and_a_queue_is_not():
    batcher = DynamicBatcher([lambda ix, w: None], [5], Batching(), lambda items: None)
    on_time = [(t * 0.05, t * 0.05 + 0.02) for t in range(100)]
    burst = [(2.0 + k * 0.02, 2.0 + k * 0.02 + 0.3) for k in range(6)]  # 6 late in 100 ms
    _timed(batcher, on_time + burst)
    assert batcher.stall(130.0, 500.0) == {"over_bound": 6, "within_ms": 100.0}
    spread = [(t, t + 0.3) for t in (0.5, 1.5, 2.5, 3.5)]  # late again and again
    _timed(batcher, on_time + spread)
    assert batcher.stall(130.0, 500.0) is None
    _timed(batcher, on_time)
    assert batcher.stall(130.0, 500.0) is None
    # a one-second run at a high rate: a 400 ms burst is a queue, not a pause
    fast = [(k * 0.001, k * 0.001 + 0.01) for k in range(1000)]
    queue = [(0.3 + k * 0.002, 0.3 + k * 0.002 + 0.2) for k in range(200)]
    _timed(batcher, fast + queue)
    assert batcher.stall(130.0, 500.0) is None
