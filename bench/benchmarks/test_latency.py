"""Forward latency per model and (batch, seq) point through pytest-benchmark.

    pytest bench/ --benchmark [--bench-models mobilebert,tinybert] [--benchmark-json out.json]

Same models, inputs, threads and inference mode as the latency suite; one group per point so
``--benchmark-compare`` and ``pytest-benchmark compare`` line the models up side by side.
"""

from __future__ import annotations

from functools import cache

import pytest

from models_registry import resolve_model_spec
from suites.latency.suite import LatencySuite


@cache
def _load(spec: str, threads: int):
    from harness.allocator import pin_malloc
    from harness.runtime import configure_torch, load_for_job

    pin_malloc()  # the allocator state the latency suite times in (harness.allocator)
    config = LatencySuite().preset("quick", threads)
    configure_torch(config)
    model, weights, meta = load_for_job(resolve_model_spec(spec), config)
    return config, model, weights, meta


def test_forward_latency(benchmark, bench_model: str, point: tuple[int, int], threads: int):
    import torch

    from harness.inputs import synthetic_batch
    from harness.runtime import runtime_record, unsupported_seq_len

    config, model, weights, meta = _load(bench_model, threads)
    batch_size, seq_len = point
    reason = unsupported_seq_len(model, seq_len)
    if reason:
        pytest.skip(reason)
    inputs = synthetic_batch(batch_size, seq_len, model.config.vocab_size, config.seed)
    benchmark.group = f"b{batch_size}/s{seq_len}"
    benchmark.extra_info.update(
        {
            "model": meta.name,
            "hub_id": meta.hub_id,
            "weights": weights.label,
            "weights_source": weights.source,
            "revision": weights.revision,
            "batch_size": batch_size,
            "seq_len": seq_len,
            **runtime_record(config, model),
        }
    )
    with torch.inference_mode():
        benchmark(model, **inputs)
