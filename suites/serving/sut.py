"""The system under test for one layout: N streams, each a backend conversion of the model
made with T threads, behind one dynamic batcher that LoadGen's queries go into."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from suites.serving.batcher import Batching, DynamicBatcher
from suites.serving.layouts import Layout
from suites.serving.requests import RequestSet

FLUSH_DENORMAL_NOTE = ("denormal floats flushed to zero in every serving thread "
                       "(torch.set_flush_denormal): random-init MobileBERT's activations "
                       "reach denormals, whose arithmetic is many times slower on x86 (the "
                       "same Server probe of MobileBERT at 67 QPS read p99 14-188 s without, "
                       "86-88 ms with, four times each)")


def _flush_denormals(state: threading.local) -> None:
    """FTZ/DAZ live in each thread's MXCSR: set once in every thread that runs the model."""
    if not getattr(state, "done", False):
        import torch

        torch.set_flush_denormal(True)
        state.done = True


class Responses:
    """What the streams answered, by sample index, kept only while ``keep`` is set (the
    accuracy mode); LoadGen is told of every answer at once."""

    def __init__(self) -> None:
        self.keep = False
        self.outputs: dict[int, Any] = {}

    def complete(self, items: list[tuple[int, int, Any]]) -> None:
        from suites.serving.loadgen import complete

        if self.keep:
            for _, index, output in items:
                self.outputs[index] = output
        complete([query_id for query_id, _, _ in items])


@contextmanager
def serving(prepare: Callable[[], Any], requests: RequestSet, layout: Layout,
            batching: Batching, keep_outputs: bool = False
            ) -> Iterator[tuple[DynamicBatcher, Responses, list[Any]]]:
    """The batcher over ``layout.streams`` conversions, each made (``prepare``) with
    ``layout.threads`` threads; closed on exit."""
    import torch

    torch.set_num_threads(layout.threads)
    torch.set_flush_denormal(True)
    prepared = [prepare() for _ in range(layout.streams)]
    state = threading.local()
    responses = Responses()

    def runner(p: Any) -> Callable[[list[int], int], Any]:
        def run(indices: list[int], width: int) -> Any:
            _flush_denormals(state)
            batch = requests.batch(indices, width)
            if not keep_outputs:
                p.call(batch)
                return None
            return list(p.logits(batch))
        return run

    try:
        with DynamicBatcher([runner(p) for p in prepared], requests.lengths, batching,
                            responses.complete) as batcher:
            yield batcher, responses, prepared
    finally:
        for p in prepared:
            p.close()
