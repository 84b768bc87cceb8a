"""The system under test's front: a dynamic batcher feeding N streams.

Requests wait in one queue; each stream (a thread with its own converted model) takes up to
``max_batch`` of them as soon as it is free, or waits up to ``max_delay_ms`` after the
oldest arrived for a fuller batch. The batch is padded by the padding suite's strategies:
to a fixed length, to its longest member (dynamic), or, bucketed, filled with the waiting
requests nearest in length to the oldest one. Every request is answered even when a batch
fails, so LoadGen never waits on a lost query; the failure is raised after the test.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.padding import STRATEGIES, padded_width

# (sample indices, padded width) → one output per sample, or None when not kept
RunBatch = Callable[[list[int], int], Sequence[Any] | None]
# [(query id, sample index, output)] → LoadGen told
Complete = Callable[[list[tuple[int, int, Any]]], None]


@dataclass(frozen=True)
class Batching:
    max_batch: int = 8
    max_delay_ms: float = 0.0
    padding: str = "dynamic"
    fixed_length: int = 512

    def __post_init__(self) -> None:
        if self.padding not in STRATEGIES:
            raise ValueError(f"unknown padding {self.padding!r}; known: {', '.join(STRATEGIES)}")
        if self.max_batch < 1 or self.max_delay_ms < 0:
            raise ValueError("max batch must be ≥ 1 and max queue delay ≥ 0 ms")

    @property
    def label(self) -> str:
        delay = f", wait ≤{self.max_delay_ms:g} ms" if self.max_delay_ms else ""
        return f"batch ≤{self.max_batch}{delay}, {self.padding} padding"


@dataclass
class _Request:
    query_id: int
    index: int
    arrived: float


@dataclass
class BatchStats:
    batches: int = 0
    samples: int = 0
    real_tokens: int = 0
    computed_tokens: int = 0
    # (arrival, answer) perf_counter times of every request, for stall detection
    times: list[tuple[float, float]] = field(default_factory=list, repr=False)

    def add(self, other: BatchStats) -> None:
        self.batches += other.batches
        self.samples += other.samples
        self.real_tokens += other.real_tokens
        self.computed_tokens += other.computed_tokens
        self.times += other.times

    def to_dict(self) -> dict[str, Any]:
        return {"batches": self.batches, "samples": self.samples,
                "mean_batch": round(self.samples / self.batches, 3) if self.batches else None,
                "pad_fraction": (round(1 - self.real_tokens / self.computed_tokens, 4)
                                 if self.computed_tokens else None)}


class DynamicBatcher:
    """Started with one ``run_batch`` per stream; ``submit`` from LoadGen's issue thread."""

    def __init__(self, streams: Sequence[RunBatch], lengths: Sequence[int], batching: Batching,
                 complete: Complete) -> None:
        self.streams, self.lengths, self.batching = list(streams), list(lengths), batching
        self.complete = complete
        self._queue: deque[_Request] = deque()
        self._cond = threading.Condition()
        self._stop = False
        self._threads: list[threading.Thread] = []
        self._stats = [BatchStats() for _ in self.streams]
        self.errors: list[BaseException] = []

    def __enter__(self) -> DynamicBatcher:
        for k, run in enumerate(self.streams):
            thread = threading.Thread(target=self._serve, args=(k, run), daemon=True,
                                      name=f"serving-stream-{k}")
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()

    def submit(self, samples: Sequence[Any]) -> None:
        now = time.perf_counter()
        with self._cond:
            self._queue.extend(_Request(s.id, s.index, now) for s in samples)
            self._cond.notify_all()

    def stall(self, bound_ms: float, window_ms: float) -> dict[str, Any] | None:
        """The requests over ``bound_ms`` when they all arrived within ``window_ms`` (and a
        tenth of the run) of each other: one event (a pause of the machine or the process),
        not a queue that a rate builds up again and again; None otherwise."""
        times = self.stats().times
        over = sorted(a for a, d in times if (d - a) * 1000 > bound_ms)
        if not over:
            return None
        # At most a tenth of the run: in a short run at a high rate, a queue the rate built
        # fills any fixed window too.
        run_ms = (max(a for a, _ in times) - min(a for a, _ in times)) * 1000
        if (over[-1] - over[0]) * 1000 > min(window_ms, run_ms / 10):
            return None
        return {"over_bound": len(over), "within_ms": round((over[-1] - over[0]) * 1000, 1)}

    def stats(self) -> BatchStats:
        total = BatchStats()
        for s in self._stats:
            total.add(s)
        return total

    def reset_stats(self) -> None:
        self._stats = [BatchStats() for _ in self.streams]

    def _take(self) -> list[_Request] | None:
        """The next batch, or None when stopped; called with the lock held."""
        b = self.batching
        while True:
            if self._stop:
                return None
            if self._queue:
                waited = time.perf_counter() - self._queue[0].arrived
                if len(self._queue) >= b.max_batch or waited * 1000 >= b.max_delay_ms:
                    break
                self._cond.wait(b.max_delay_ms / 1000 - waited)
            else:
                self._cond.wait()
        if b.padding != "bucketed" or len(self._queue) <= b.max_batch:
            return [self._queue.popleft() for _ in range(min(b.max_batch, len(self._queue)))]
        head = self._queue.popleft()
        target = self.lengths[head.index]
        nearest = sorted(range(len(self._queue)),
                         key=lambda i: (abs(self.lengths[self._queue[i].index] - target), i))
        chosen = set(nearest[:b.max_batch - 1])
        batch = [head] + [r for i, r in enumerate(self._queue) if i in chosen]
        self._queue = deque(r for i, r in enumerate(self._queue) if i not in chosen)
        return batch

    def _serve(self, k: int, run: RunBatch) -> None:
        while True:
            with self._cond:
                batch = self._take()
            if batch is None:
                return
            indices = [r.index for r in batch]
            lengths = [self.lengths[i] for i in indices]
            width = padded_width(lengths, self.batching.padding, self.batching.fixed_length)
            outputs: Sequence[Any] | None = None
            try:
                outputs = run(indices, width)
            except BaseException as exc:  # answered anyway: LoadGen must not wait forever
                self.errors.append(exc)
            stats = self._stats[k]
            stats.batches += 1
            stats.samples += len(batch)
            stats.real_tokens += sum(lengths)
            stats.computed_tokens += width * len(batch)
            self.complete([(r.query_id, r.index, None if outputs is None else outputs[j])
                           for j, r in enumerate(batch)])
            answered = time.perf_counter()
            stats.times += [(r.arrived, answered) for r in batch]
